import { randomUUID } from 'node:crypto';
import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '../../db/client.js';
import { recordAudit } from '../../db/audit.js';
import { latestVerification } from '../../db/verifications.js';
import { externalUserIdOf } from '../../workflows/ids.js';
import { linkTokenUpdate, reviewUpdate } from '../../workflows/messages.js';
import { HttpProblem, problemResponses, verificationNotFound } from '../schemas/problem.js';
import { linkTokenReply, reviewBody, statusDocumentSchema, verificationParams } from '../schemas/verification.js';
import fp from 'fastify-plugin';
import { keyNameOf } from '../plugins/auth.js';
import { updateRefusal } from '../plugins/errors.js';
import { widgetTokenOf } from '../services/widget-token-of.js';

const DEADLINE_MS = 15_000;

/** 404 for an id we never saw, 409 for one that exists but is closed. */
async function closedOrUnknown(sql: Sql, id: string): Promise<HttpProblem> {
  const stored = externalUserIdOf(id) ? await latestVerification(sql, id) : undefined;
  return stored
    ? new HttpProblem(409, 'Conflict', `Verification ${id} is ${stored.status}; start a new one.`)
    : verificationNotFound(id);
}

/** 404 for an id we never saw, 409 for one that is not IN_REVIEW (or whose review is already in). */
async function notInReview(sql: Sql, id: string): Promise<HttpProblem> {
  const stored = externalUserIdOf(id) ? await latestVerification(sql, id) : undefined;
  if (!stored) return verificationNotFound(id);
  return stored.status === 'IN_REVIEW'
    ? new HttpProblem(409, 'Conflict', `Verification ${id} has already been reviewed.`)
    : new HttpProblem(409, 'Conflict', `Verification ${id} is ${stored.status}; only one IN_REVIEW can be reviewed.`);
}

/** Actions on a running verification: a fresh link token, a review, cancellation. */
const verificationActionRoutes: FastifyPluginAsyncZod<{ sql: Sql; client: Client }> = async (app, { sql, client }) => {
  app.post(
    '/verifications/:id/link-token',
    {
      config: { auth: { scope: 'verifications.write' } },
      schema: {
        summary: 'A valid link token, refreshed through Smile when it is about to expire',
        security: [{ bearer: [] }],
        params: verificationParams,
        response: { 200: linkTokenReply, ...problemResponses(401, 403, 404, 409, 502, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!externalUserIdOf(id)) throw verificationNotFound(id);
      try {
        const reply = await client.withDeadline(Date.now() + DEADLINE_MS, () =>
          client.workflow.getHandle(id).executeUpdate(linkTokenUpdate, { args: [{ requestId: randomUUID() }] }),
        );
        return {
          userToken: reply.userToken,
          expiresAt: reply.expiresAt,
          widgetToken: await widgetTokenOf(app, sql, id),
        };
      } catch (error) {
        // Smile could not issue a token (502, or 503 when unreachable: api/plugins/errors.ts); the verification keeps running.
        if (error instanceof WorkflowNotFoundError) throw await closedOrUnknown(sql, id);
        if (error instanceof WorkflowUpdateFailedError && updateRefusal(error) === 'closed')
          throw await closedOrUnknown(sql, id);
        throw error;
      }
    },
  );

  app.post(
    '/verifications/:id/review',
    {
      config: { auth: { scope: 'reviews.write' } },
      schema: {
        summary: "A reviewer's outcome for a verification IN_REVIEW; it closes COMPLETED with that outcome",
        security: [{ bearer: [] }],
        params: verificationParams,
        body: reviewBody,
        response: { 200: statusDocumentSchema, ...problemResponses(400, 401, 403, 404, 409, 503) },
      },
    },
    async (request) => {
      const { id } = request.params;
      if (!externalUserIdOf(id)) throw verificationNotFound(id);
      try {
        // The update answers once the run has closed with the reviewer's outcome (and its audit row is written).
        return await client.withDeadline(Date.now() + DEADLINE_MS, () =>
          client.workflow
            .getHandle(id)
            .executeUpdate(reviewUpdate, { args: [{ ...request.body, keyName: keyNameOf(request) }] }),
        );
      } catch (error) {
        // The validator refused (not IN_REVIEW, or reviewed already), or no run of that id is open.
        if (error instanceof WorkflowNotFoundError || error instanceof WorkflowUpdateFailedError)
          throw await notInReview(sql, id);
        throw error;
      }
    },
  );

  app.post(
    '/verifications/:id/cancel',
    {
      config: { auth: { scope: 'verifications.write' } },
      schema: {
        summary: 'Cancel a running verification; it ends CANCELLED after cleanup',
        security: [{ bearer: [] }],
        params: verificationParams,
        response: {
          202: z.object({ verificationId: z.string(), status: z.literal('CANCELLING') }),
          ...problemResponses(401, 403, 404, 409, 503),
        },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      if (!externalUserIdOf(id)) throw verificationNotFound(id);
      const handle = client.workflow.getHandle(id);
      try {
        const { status } = await client.withDeadline(Date.now() + DEADLINE_MS, () => handle.describe());
        if (status.name !== 'RUNNING') throw await closedOrUnknown(sql, id);
        await client.withDeadline(Date.now() + DEADLINE_MS, () => handle.cancel());
        await recordAudit(sql, { action: 'cancel', verificationId: id, keyName: keyNameOf(request) });
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) throw await closedOrUnknown(sql, id);
        throw error;
      }
      return reply.code(202).send({ verificationId: id, status: 'CANCELLING' as const });
    },
  );
};

export default fp(verificationActionRoutes, {
  name: 'verification-action-routes',
  dependencies: ['auth'],
  encapsulate: true,
});
