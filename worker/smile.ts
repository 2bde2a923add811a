import { createHash } from 'node:crypto';
import type { Config } from '../config/index.js';
import { activityCallContext } from '../smile/context.js';
import { createSharedLimiter } from '../smile/limiter.js';
import { createSmileClient, type SmileClient } from '../smile/index.js';
import type { Sql } from '../db/client.js';
import { reserveSlot } from '../db/rate-limits.js';

/**
 * The worker's Smile client: its requests share one budget with every other
 * worker of the deployment (a row in Postgres per Smile account, named by a hash
 * of the URL and key, never the key itself), and each request follows the
 * calling activity's cancellation and deadline.
 */
export function createWorkerSmileClient(config: Pick<Config, 'smile'>, sql: Sql): SmileClient {
  const { apiUrl, apiKey, apiSecret, requestsPerSecond } = config.smile;
  const key = createHash('sha256').update(`${apiUrl}\n${apiKey}`).digest('hex').slice(0, 32);
  const limiter = createSharedLimiter(
    (intervalMs, maxWaitMs) => reserveSlot(sql, { key, intervalMs, maxWaitMs }),
    requestsPerSecond,
  );
  return createSmileClient({ baseUrl: apiUrl, apiKey, apiSecret, limiter, context: activityCallContext });
}
