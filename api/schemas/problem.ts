import { z } from 'zod';

/** RFC 9457 problem details, with the path of every invalid field. */
export const problemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** A problem to throw from a handler; the error handler renders it. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly errors?: Problem['errors'],
  ) {
    super(detail ?? title);
    this.name = 'HttpProblem';
  }
}

/** The one answer for a verification id this service never started (or whose user it does not know). */
export const verificationNotFound = (id: string): HttpProblem =>
  new HttpProblem(404, 'Not found', `No verification ${id}.`);

/** The problem responses a route may declare, so /openapi.json shows the errors too. */
export const problemResponses = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((status) => [status, problemSchema.describe(`Problem (${status})`)]));
