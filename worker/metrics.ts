import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ObserveWait } from '../smile/limiter.js';
import type { SmileRequestObserver } from '../smile/observer.js';

/** The worker's own series: its Smile requests and the shared limiter's waits. */
export interface WorkerMetrics {
  registry: Registry;
  smileRequests: SmileRequestObserver;
  limiterWaits: ObserveWait;
}

/**
 * One registry per worker (tests build several in one process). Each worker
 * counts its own requests; the deployment's use of the budget is their sum,
 * against `smile_verify_smile_budget_requests_per_second` (docs/operations.md).
 */
export function createWorkerMetrics(requestsPerSecond: number): WorkerMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: 'smile_verify_smile_requests_total',
    help: 'Smile API requests by endpoint (method and path template) and outcome: ok, a Smile error code, timeout, unreachable, invalid_response; no_slot and not_sent were never sent',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  const inFlight = new Gauge({
    name: 'smile_verify_smile_requests_in_flight',
    help: 'Smile API requests sent and not yet answered',
    registers: [registry],
  });
  const waits = new Histogram({
    name: 'smile_verify_smile_limiter_wait_seconds',
    help: 'Time a Smile request waited for its turn under the shared rate limit, by priority (user: a start or token refresh; background: the rest)',
    labelNames: ['priority'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  new Gauge({
    name: 'smile_verify_smile_budget_requests_per_second',
    help: 'SMILE_RATE_LIMIT_PER_SECOND: the Smile requests a second the whole deployment may send',
    registers: [registry],
  }).set(requestsPerSecond);
  return {
    registry,
    smileRequests: {
      sent: () => inFlight.inc(),
      ended(endpoint, outcome, sent) {
        if (sent) inFlight.dec();
        requests.inc({ endpoint, outcome: sent || outcome === 'no_slot' ? outcome : 'not_sent' });
      },
    },
    limiterWaits: (priority, seconds) => waits.observe({ priority }, seconds),
  };
}

/**
 * `GET /metrics` on the worker's metrics address: these series, then the
 * Temporal runtime's (task latencies, slots, sticky cache, polls), which its
 * exporter serves on `runtimeUrl` (a loopback port of its own).
 */
export async function serveWorkerMetrics(
  metrics: WorkerMetrics,
  { host, port, runtimeUrl }: { host: string; port: number; runtimeUrl?: string },
): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    const runtime = runtimeUrl
      ? fetch(runtimeUrl, { signal: AbortSignal.timeout(5_000) }).then(
          (r) => r.text(),
          () => '# Temporal runtime metrics unavailable\n',
        )
      : Promise.resolve('');
    void Promise.all([metrics.registry.metrics(), runtime]).then(
      ([own, temporal]) =>
        response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(own + temporal),
      () => response.writeHead(500).end('# metrics unavailable\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return { server, url: `http://${host}:${bound}/metrics` };
}

/** A loopback port nothing listens on now, for the Temporal runtime's exporter (the OS picks it). */
export function loopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createTcpServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
