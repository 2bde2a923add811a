import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '../../db/client.js';
import { recordAudit } from '../../db/audit.js';
import { latestVerification } from '../../db/verifications.js';
import { externalUserIdOf } from '../../workflows/ids.js';
import { signalEndMonitor } from '../../runtime/temporal.js';
import { problemResponses, verificationNotFound } from '../schemas/problem.js';
import { verificationParams } from '../schemas/verification.js';
import fp from 'fastify-plugin';
import { keyNameOf } from '../plugins/auth.js';

const monitorReply = z.object({ verificationId: z.string(), monitor: z.enum(['ENDING', 'NOT_RUNNING']) });

/**
 * `DELETE /v1/verifications/:id/monitor`: ends the monitoring of the user's
 * latest run (STOPPED). The run ends it after the event it is handling, stores
 * `monitoring.status` ENDED and closes; the answer does not wait for that.
 */
const monitorRoutes: FastifyPluginAsyncZod<{ sql: Sql; client: Client }> = async (app, { sql, client }) => {
  app.delete(
    '/verifications/:id/monitor',
    {
      config: { auth: { scope: 'verifications.write' } },
      schema: {
        summary: "End the user's monitor; 202 also when none is running (idempotent)",
        security: [{ bearer: [] }],
        params: verificationParams,
        response: { 202: monitorReply, ...problemResponses(401, 403, 404, 503) },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const externalUserId = externalUserIdOf(id);
      const latest = externalUserId && (await latestVerification(sql, id));
      if (!latest) throw verificationNotFound(id);
      const running =
        latest.document.monitoring?.status === 'ACTIVE' && (await signalEndMonitor(client, externalUserId!, 'STOPPED'));
      if (running) await recordAudit(sql, { action: 'stop-monitor', verificationId: id, keyName: keyNameOf(request) });
      return reply.code(202).send({ verificationId: id, monitor: running ? 'ENDING' : 'NOT_RUNNING' });
    },
  );
};

export default fp(monitorRoutes, { name: 'monitor-routes', dependencies: ['auth'], encapsulate: true });
