import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Sql } from '../../db/client.js';
import { inboxDepth } from '../../db/inbox.js';

export interface ApiMetrics {
  registry: Registry;
  webhooks: Counter<'source' | 'type' | 'outcome'>;
  requests: Histogram<'method' | 'route' | 'status'>;
  widgetScreens: Counter<'screen'>;
}

/** The Wink screens counted by name (wink-widget.md's onUIEvent names); any other name counts as `other`. */
export const WIDGET_SCREENS = new Set([
  'ConsentPageOpened',
  'ProviderListPageOpened',
  'LoginPageOpened',
  'MfaPageOpened',
  'ConnectSuccessPageOpened',
  'AccountRevokePageOpened',
  'FileTypeListPageOpened',
  'FileTypePageOpened',
  'ArchiveSuccessPageOpened',
  'RevokeArchivePageOpened',
]);

/** One registry per app (tests build several apps in one process). */
export function createApiMetrics(): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    webhooks: new Counter({
      name: 'smile_verify_webhooks_received_total',
      help: 'Webhooks received, by source, type and outcome (accepted, duplicate, rejected_<reason>)',
      labelNames: ['source', 'type', 'outcome'],
      registers: [registry],
    }),
    widgetScreens: new Counter({
      name: 'smile_verify_widget_screens_total',
      help: 'Wink widget screens shown to users (onUIEvent), by screen: the drop-off funnel',
      labelNames: ['screen'],
      registers: [registry],
    }),
    requests: new Histogram({
      name: 'smile_verify_http_request_duration_seconds',
      help: 'HTTP request duration by route',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
  };
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: ApiMetrics;
  }
}

/** The inbox is counted at most every few seconds, however often /metrics is asked. */
const INBOX_DEPTH_CACHE_MS = 5_000;

/**
 * `GET /metrics` (Prometheus): HTTP timings, webhooks by outcome, inbox depth and
 * relay lag (read at scrape time, cached briefly); rate-limited per address.
 */
export default fp(
  async function metrics(app: FastifyInstance, { sql }: { sql: Sql }) {
    const registry = createApiMetrics();
    app.decorate('metrics', registry);
    let depth: { at: number; value: ReturnType<typeof inboxDepth> } | undefined;
    const cachedDepth = () => {
      if (!depth || Date.now() - depth.at > INBOX_DEPTH_CACHE_MS) depth = { at: Date.now(), value: inboxDepth(sql) };
      return depth.value;
    };
    new Gauge({
      name: 'smile_verify_inbox_pending',
      help: 'Inbox events waiting for the relay',
      registers: [registry.registry],
      async collect() {
        const { pending, lagSeconds } = await cachedDepth();
        this.set(pending);
        lag.set(lagSeconds);
      },
    });
    const lag = new Gauge({
      name: 'smile_verify_relay_lag_seconds',
      help: 'Age of the oldest pending inbox event',
      registers: [registry.registry],
    });
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unknown';
      // Webhooks are counted by their route (smile_verify_webhooks_received_total): their hot path pays a counter only.
      if (route.startsWith('/webhooks/')) return;
      registry.requests.observe(
        { method: request.method, route, status: String(reply.statusCode) },
        reply.elapsedTime / 1_000,
      );
    });
    app.get('/metrics', { onRequest: app.rateLimit(), schema: { hide: true } }, async (_request, reply) =>
      reply
        .type(registry.registry.contentType)
        .send(await registry.registry.metrics().catch(() => '# metrics unavailable\n')),
    );
  },
  { name: 'metrics', dependencies: ['hardening'] },
);
