import { isGrpcServiceError, WorkflowFailedError, type Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import type { Sql } from '../../db/client.js';
import { latestVerification } from '../../db/verifications.js';
import { startErasure } from '../../runtime/temporal.js';
import { erasureWorkflowId, externalUserIdOf } from '../../workflows/ids.js';
import { keyNameOf } from '../plugins/auth.js';
import { HttpProblem, problemResponses, verificationNotFound } from '../schemas/problem.js';
import { verificationParams } from '../schemas/verification.js';

const count = z.number().int();
const erasedReply = z.object({
  verificationId: z.string(),
  /** The erasure workflow: ERASED once it finished within the request, ERASING while it still runs. */
  erasureId: z.string(),
  status: z.enum(['ERASED', 'ERASING']),
  erased: z
    .object({
      datapoints: count,
      applicants: count,
      eventPayloads: count,
      callbackMessages: count,
      decisionEvidence: count,
      statusDocuments: count,
      accountsRevoked: count,
      monitorEnded: z.boolean(),
      verificationCancelled: z.boolean(),
    })
    .optional()
    .describe('what went; absent while ERASING'),
});

/** How long the request waits for the erasure (cancelling a run waits for its cleanup) within the 30 s request limit. */
const RESULT_WAIT_MS = 20_000;

const isDeadline = (error: unknown): boolean =>
  (isGrpcServiceError(error) && error.code === 4) ||
  (error instanceof Error && error.cause !== undefined && isDeadline(error.cause));

/**
 * `DELETE /v1/verifications/:id/data`: starts the user's erasure
 * workflow (or joins the one running) and answers with what it removed.
 */
const erasureRoutes: FastifyPluginAsyncZod<{ sql: Sql; client: Client; taskQueue: string }> = async (
  app,
  { sql, client, taskQueue },
) => {
  app.delete(
    '/verifications/:id/data',
    {
      config: { auth: { scope: 'data.erase' } },
      schema: {
        summary: "Erase this verification's user's personal data: stop their workflows, revoke their accounts at Smile",
        security: [{ bearer: [] }],
        params: verificationParams,
        response: { 202: erasedReply, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const externalUserId = externalUserIdOf(id);
      if (!externalUserId || !(await latestVerification(sql, id))) throw verificationNotFound(id);
      const erasureId = erasureWorkflowId(externalUserId);
      const handle = await startErasure(client, taskQueue, { externalUserId, keyName: keyNameOf(request) });
      try {
        const erased = await client.withDeadline(Date.now() + RESULT_WAIT_MS, () => handle.result());
        return reply.code(202).send({ verificationId: id, erasureId, status: 'ERASED' as const, erased });
      } catch (error) {
        if (isDeadline(error))
          return reply.code(202).send({ verificationId: id, erasureId, status: 'ERASING' as const });
        if (error instanceof WorkflowFailedError)
          throw new HttpProblem(503, 'Service unavailable', 'The erasure failed; retry later (erasing twice is fine).');
        throw error;
      }
    },
  );
};

export default fp(erasureRoutes, { name: 'erasure-routes', dependencies: ['auth'], encapsulate: true });
