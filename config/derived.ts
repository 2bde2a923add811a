import { getHeapStatistics } from 'node:v8';
import type { Env } from './env.js';
import type { Config } from './types.js';

/** Settings computed from several variables, or from the machine. */

/** Smile's real SDK for Smile's hosts (with the matching link host), else the sandbox's copy beside its API. */
export function widgetOf(env: Env): { widgetScriptUrl: string; linkApiHost: string } {
  const api = new URL(env.SMILE_API_URL);
  const real = api.hostname.endsWith('smileapi.io');
  const linkApiHost =
    real && !api.hostname.startsWith('sandbox') ? 'https://link.smileapi.io/v1' : 'https://link-sandbox.smileapi.io/v1';
  return {
    widgetScriptUrl:
      env.SMILE_WIDGET_SCRIPT_URL ??
      (real ? 'https://web.smileapi.io/v2/smile.v2.js' : `${api.origin}/wink/smile.v2.js`),
    linkApiHost,
  };
}

const MB = 1024 * 1024;

/** Load shedding: 90% of V8's heap limit, and resident memory at one and a half heaps plus the buffers' share. */
export function pressureOf(env: Env): Config['api']['pressure'] {
  const heapLimitMb = getHeapStatistics().heap_size_limit / MB;
  return {
    maxHeapUsedBytes: (env.API_MAX_HEAP_USED_MB ?? Math.floor(heapLimitMb * 0.9)) * MB,
    maxRssBytes: (env.API_MAX_RSS_MB ?? Math.floor(heapLimitMb * 1.5 + 256)) * MB,
    maxEventLoopDelayMs: env.API_MAX_EVENT_LOOP_DELAY_MS,
  };
}
