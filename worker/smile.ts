import { createHash } from 'node:crypto';
import type { Config } from '../config/index.js';
import { activityCallContext } from '../smile/context.js';
import { createSharedLimiter, type Limiter } from '../smile/limiter.js';
import { createSmileClient, type SmileClient } from '../smile/index.js';
import type { Sql } from '../db/client.js';
import { reserveSlot } from '../db/rate-limits.js';
import { SMILE_USER_ACTIVITIES } from '../workflows/task-queues.js';
import type { WorkerMetrics } from './metrics.js';

/**
 * The Smile rate limit every worker of the deployment shares: a row in Postgres
 * per Smile account, named by a hash of the URL and key (never the key itself).
 */
export function createWorkerLimiter(config: Pick<Config, 'smile'>, sql: Sql, metrics?: WorkerMetrics): Limiter {
  const { apiUrl, apiKey, requestsPerSecond } = config.smile;
  const key = createHash('sha256').update(`${apiUrl}\n${apiKey}`).digest('hex').slice(0, 32);
  return createSharedLimiter(
    (intervalMs, maxWaitMs) => reserveSlot(sql, { key, intervalMs, maxWaitMs }),
    requestsPerSecond,
    metrics?.limiterWaits,
  );
}

/**
 * The worker's Smile client: its requests share one budget with every other
 * worker, the requests of a start or a token refresh before background work;
 * each request follows the calling activity's cancellation and deadline, and is
 * counted in `metrics` when given.
 */
export function createWorkerSmileClient(config: Pick<Config, 'smile'>, sql: Sql, metrics?: WorkerMetrics): SmileClient {
  const { apiUrl, apiKey, apiSecret } = config.smile;
  return createSmileClient({
    baseUrl: apiUrl,
    apiKey,
    apiSecret,
    limiter: createWorkerLimiter(config, sql, metrics),
    context: () => activityCallContext(SMILE_USER_ACTIVITIES),
    observer: metrics?.smileRequests,
  });
}
