import {
  isGrpcServiceError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { HttpProblem, PROBLEM_CONTENT_TYPE, type Problem } from '../schemas/problem.js';

// gRPC status codes that mean "Temporal is not there right now".
const GRPC_UNAVAILABLE = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);
// postgres.js connection failures, and Postgres' own "server is going away" (57P, 08) and "out of resources" (53: too many connections, out of memory or disk).
const DB_UNAVAILABLE =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|CONNECT_TIMEOUT|CONNECTION_(CLOSED|ENDED|DESTROYED)|57P0\d|08\d{3}|53\d{3})$/;

function isTemporalUnavailable(error: unknown): boolean {
  if (isGrpcServiceError(error)) return GRPC_UNAVAILABLE.has(error.code ?? -1);
  const cause = (error as { cause?: unknown }).cause;
  return cause !== undefined && cause !== error && isTemporalUnavailable(cause);
}

function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && DB_UNAVAILABLE.test(code);
}

/** Maps any error to a problem document. Only 4xx carry details; 5xx never show internals. */
export function toProblem(error: unknown): Problem {
  if (error instanceof HttpProblem) {
    return {
      type: 'about:blank',
      title: error.title,
      status: error.status,
      detail: error.detail,
      errors: error.errors,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const errors = error.validation.map((issue) => ({
      path: [error.validationContext ?? 'body', ...issue.instancePath.split('/').filter(Boolean)].join('.'),
      message: issue.message ?? 'is invalid',
    }));
    return {
      type: 'about:blank',
      title: 'Invalid request',
      status: 400,
      detail: 'The request does not match the schema.',
      errors,
    };
  }
  if (error instanceof WorkflowNotFoundError) return { type: 'about:blank', title: 'Not found', status: 404 };
  if (error instanceof WorkflowUpdateFailedError) {
    return {
      type: 'about:blank',
      title: 'Conflict',
      status: 409,
      detail: 'The verification is closed; start a new one.',
    };
  }
  // An update whose call timed out may or may not have run: the caller retries (starting and joining are idempotent).
  if (isTemporalUnavailable(error) || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return {
      type: 'about:blank',
      title: 'Service unavailable',
      status: 503,
      detail: 'Temporal is unreachable; retry later.',
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      type: 'about:blank',
      title: 'Service unavailable',
      status: 503,
      detail: 'The database is unreachable; retry later.',
    };
  }
  const fastifyError = error as FastifyError;
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    return {
      type: 'about:blank',
      title: fastifyError.code ?? 'Bad request',
      status: fastifyError.statusCode,
      detail: fastifyError.message,
    };
  }
  return { type: 'about:blank', title: 'Internal error', status: 500, detail: 'Something went wrong on our side.' };
}

/** Sends a problem; extension members (RFC 9457 §3.2) such as `checks` pass through. */
export function sendProblem(reply: FastifyReply, problem: Problem & Record<string, unknown>): FastifyReply {
  const body = Object.fromEntries(Object.entries(problem).filter(([, value]) => value !== undefined));
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

/** The one error handler: logs the whole error with its request, answers problem+json. */
export default fp(
  async function errors(app: FastifyInstance) {
    app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
      const problem = { ...toProblem(error), instance: request.url.split('?')[0] };
      if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
      // The access log's line has the status; why it was refused is for debugging.
      else request.log.debug({ status: problem.status, title: problem.title }, 'request rejected');
      return sendProblem(reply, problem);
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, {
        type: 'about:blank',
        title: 'Not found',
        status: 404,
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      }),
    );
  },
  { name: 'errors' },
);
