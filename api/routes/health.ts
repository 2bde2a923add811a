import type { Connection } from '@temporalio/client';
import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { pingDatabase, type Sql } from '../../db/client.js';
import { sendProblem } from '../plugins/errors.js';
import type { Relay } from '../webhooks/relay.js';

const checks = z.object({
  postgres: z.enum(['ok', 'unreachable']),
  temporal: z.enum(['ok', 'unreachable']),
  relay: z.enum(['ok', 'stalled', 'off']),
});

async function check(probe: () => Promise<unknown>): Promise<'ok' | 'unreachable'> {
  return probe().then(
    () => 'ok' as const,
    () => 'unreachable' as const,
  );
}

/** Readiness is probed at most once a second, however many ask: a flood of /readyz costs the backends nothing more. */
const READINESS_CACHE_MS = 1_000;

/**
 * /healthz: the process is alive. /readyz: it can do its job (Postgres and
 * Temporal answer, the relay's passes succeed); rate-limited per address.
 */
const healthRoutes: FastifyPluginAsyncZod<{
  sql: Sql;
  connection: Connection;
  namespace: string;
  relay?: Pick<Relay, 'health'>;
}> = async (app, { sql, connection, namespace, relay }) => {
  app.get('/healthz', { schema: { response: { 200: z.object({ status: z.literal('ok') }) } } }, async () => ({
    status: 'ok' as const,
  }));

  let probe: { at: number; result: Promise<['ok' | 'unreachable', 'ok' | 'unreachable']> } | undefined;
  const backends = () => {
    if (!probe || Date.now() - probe.at > READINESS_CACHE_MS) {
      probe = {
        at: Date.now(),
        result: Promise.all([
          check(() => pingDatabase(sql)),
          check(() =>
            connection.withDeadline(Date.now() + 2_000, () =>
              connection.workflowService.describeNamespace({ namespace }),
            ),
          ),
        ]),
      };
    }
    return probe.result;
  };

  app.get('/readyz', { onRequest: app.rateLimit(), schema: { response: { 200: checks } } }, async (_request, reply) => {
    const [postgres, temporal] = await backends();
    const relayHealth: z.infer<typeof checks>['relay'] = relay?.health() ?? 'off';
    if (postgres === 'ok' && temporal === 'ok' && relayHealth !== 'stalled')
      return { postgres, temporal, relay: relayHealth };
    const down = [
      postgres !== 'ok' && 'Postgres unreachable',
      temporal !== 'ok' && 'Temporal unreachable',
      relayHealth === 'stalled' && 'the inbox relay stalled',
    ]
      .filter(Boolean)
      .join(', ');
    return sendProblem(reply, {
      type: 'about:blank',
      title: 'Not ready',
      status: 503,
      detail: `${down[0]!.toUpperCase()}${down.slice(1)}.`,
      checks: { postgres, temporal, relay: relayHealth },
    });
  });
};

export default healthRoutes;
