import type { Client } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Sql } from '../../db/client.js';
import { recordAudit } from '../../db/audit.js';
import { latestVerification } from '../../db/verifications.js';
import { externalUserIdOf, monitorWorkflowId } from '../../workflows/ids.js';
import { signalEndMonitor } from '../../runtime/temporal.js';
import type { MonitorEndReason } from '../../workflows/types.js';
import { problemResponses, verificationNotFound } from '../schemas/problem.js';
import { verificationParams } from '../schemas/verification.js';
import fp from 'fastify-plugin';
import { keyNameOf } from '../plugins/auth.js';

/**
 * Ends a user's monitor, if one is running, and waits up to `waitMs`
 * for it to close: its last write (`monitoring.status` ENDED) is then stored.
 * True when one was running. A monitor that does not close in time is left to
 * close on its own (it acts on the signal at its next workflow task).
 */
export async function endUserMonitor(
  client: Client,
  externalUserId: string,
  reason: MonitorEndReason,
  waitMs = 0,
): Promise<boolean> {
  if (!(await signalEndMonitor(client, externalUserId, reason))) return false;
  const handle = client.workflow.getHandle(monitorWorkflowId(externalUserId));
  if (waitMs > 0) await client.withDeadline(Date.now() + waitMs, () => handle.result()).catch(() => undefined);
  return true;
}

const monitorReply = z.object({ verificationId: z.string(), monitor: z.enum(['ENDING', 'NOT_RUNNING']) });

/** `DELETE /v1/verifications/:id/monitor`: ends the user's monitor (STOPPED). */
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
      if (!externalUserId || !(await latestVerification(sql, id))) throw verificationNotFound(id);
      const running = await endUserMonitor(client, externalUserId, 'STOPPED');
      if (running) await recordAudit(sql, { action: 'stop-monitor', verificationId: id, keyName: keyNameOf(request) });
      return reply.code(202).send({ verificationId: id, monitor: running ? 'ENDING' : 'NOT_RUNNING' });
    },
  );
};

export default fp(monitorRoutes, { name: 'monitor-routes', dependencies: ['auth'], encapsulate: true });
