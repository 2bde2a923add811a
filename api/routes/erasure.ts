import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fp from 'fastify-plugin';
import type { Sql } from '../../db/client.js';
import { latestVerification } from '../../db/verifications.js';
import { startErasure } from '../../runtime/temporal.js';
import { erasureWorkflowId, externalUserIdOf } from '../../workflows/ids.js';
import { keyNameOf } from '../plugins/auth.js';
import { problemResponses, verificationNotFound } from '../schemas/problem.js';
import { verificationParams } from '../schemas/verification.js';

const erasureReply = z.object({
  verificationId: z.string(),
  /** The erasure workflow: the status document's `erasure` shows when it finished. */
  erasureId: z.string(),
  status: z.literal('ERASING'),
});

/**
 * `DELETE /v1/verifications/:id/data`: records the request, starts the user's
 * erasure workflow (or joins the one running) and answers at once; it runs
 * durably after the answer (ending the monitor, cancelling the run, revoking at
 * Smile). Starts for the user are a 409 until it finished.
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
        response: { 202: erasureReply, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const externalUserId = externalUserIdOf(id);
      if (!externalUserId || !(await latestVerification(sql, id))) throw verificationNotFound(id);
      const erasureId = erasureWorkflowId(externalUserId);
      await startErasure(sql, client, taskQueue, { externalUserId, keyName: keyNameOf(request) });
      return reply.code(202).send({ verificationId: id, erasureId, status: 'ERASING' as const });
    },
  );
};

export default fp(erasureRoutes, { name: 'erasure-routes', dependencies: ['auth'], encapsulate: true });
