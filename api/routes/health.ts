import type { Connection } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pingDatabase, type Sql } from '../../activities/store/db.js';
import { sendProblem } from '../plugins/errors.js';

const checks = z.object({ postgres: z.enum(['ok', 'unreachable']), temporal: z.enum(['ok', 'unreachable']) });

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unreachable'> {
  return probe().then(() => 'ok' as const, () => 'unreachable' as const);
}

/** /healthz: the process is alive. /readyz: it can do its job (Postgres and Temporal answer). */
const healthRoutes: FastifyPluginAsyncZod<{ sql: Sql; connection: Connection; namespace: string }> = async (
  app,
  { sql, connection, namespace },
) => {
  app.get('/healthz', { schema: { response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  app.get('/readyz', { schema: { response: { 200: checks } } }, async (_request, reply) => {
    const [postgres, temporal] = await Promise.all([
      check(() => pingDatabase(sql)),
      check(() => connection.withDeadline(Date.now() + 2_000, () => connection.workflowService.describeNamespace({ namespace }))),
    ]);
    if (postgres === 'ok' && temporal === 'ok') return { postgres, temporal };
    const down = [postgres !== 'ok' && 'Postgres', temporal !== 'ok' && 'Temporal'].filter(Boolean).join(' and ');
    return sendProblem(reply, {
      type: 'about:blank',
      title: 'Not ready',
      status: 503,
      detail: `${down} unreachable.`,
      checks: { postgres, temporal },
    });
  });
};

export default healthRoutes;
