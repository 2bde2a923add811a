import { STATUS_CODES } from 'node:http';
import {
  ActivityFailure,
  ApplicationFailure,
  isGrpcServiceError,
  TimeoutFailure,
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

/**
 * Why a workflow update failed, read from its cause: the run is closed (the handler or its validator
 * refused with `VerificationClosed`, or the run ended before the update did); an activity the update
 * waited on failed at Smile, or the run failed at Smile before it held a token (`SmileFailed`), which
 * is `smile`; an activity could not reach Smile (`smile-unreachable`: a network failure, a timeout, or
 * Smile saying it is unavailable); anything else is a fault of ours.
 */
export type UpdateRefusal = 'closed' | 'smile' | 'smile-unreachable' | 'other';
const SMILE_UNREACHABLE = new Set(['SmileUnreachable', 'SmileTimeout', 'SmileServerUnavailable']);

export function updateRefusal(error: WorkflowUpdateFailedError): UpdateRefusal {
  const cause = error.cause;
  if (cause instanceof ActivityFailure) {
    const inner = cause.cause;
    if (inner instanceof TimeoutFailure) return 'smile-unreachable';
    return inner instanceof ApplicationFailure && SMILE_UNREACHABLE.has(inner.type ?? '')
      ? 'smile-unreachable'
      : 'smile';
  }
  if (cause instanceof ApplicationFailure && cause.type === 'VerificationClosed') return 'closed';
  // The run ended before it held a token because Smile refused (the user, the token): Smile's failure, not a conflict.
  if (cause instanceof ApplicationFailure && cause.type === 'SmileFailed') return 'smile';
  // The server's own refusal when the run completed while the update was waiting.
  if (cause && /workflow (execution )?(already )?completed/i.test(cause.message)) return 'closed';
  return 'other';
}

/** A 4xx title in words ("Payload too large"), from the status code, never a framework's error code. */
function titleOf(status: number): string {
  const words = STATUS_CODES[status] ?? 'Bad request';
  return words.charAt(0) + words.slice(1).toLowerCase();
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
    switch (updateRefusal(error)) {
      case 'closed':
        return {
          type: 'about:blank',
          title: 'Conflict',
          status: 409,
          detail: 'The verification is closed; start a new one.',
        };
      case 'smile':
        return {
          type: 'about:blank',
          title: 'Bad gateway',
          status: 502,
          detail: error.cause?.message.startsWith('Smile failed')
            ? `${error.cause.message}: it could not create the user or issue a link token; start again later.`
            : 'Smile could not issue a link token or create the user; the verification keeps running, try again later.',
        };
      case 'smile-unreachable':
        return {
          type: 'about:blank',
          title: 'Service unavailable',
          status: 503,
          detail: 'Smile is unreachable; the verification keeps running, try again later.',
        };
      case 'other':
        break;
    }
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
      title: titleOf(fastifyError.statusCode),
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
