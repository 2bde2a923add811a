import autocannon from 'autocannon';
import { nthEvent } from './events.js';
import type { GetJob, LoadResult, PostJob } from './types.js';

type Request = autocannon.Request;

/** autocannon with `connections` requests always in flight; `next` builds each request as it goes out. */
async function closedLoop(
  url: string,
  connections: number,
  durationSeconds: number,
  next: (request: Request) => Request,
): Promise<LoadResult> {
  const result = await autocannon({
    url,
    connections,
    duration: durationSeconds,
    requests: [{ setupRequest: next }],
  });
  const ok = result['2xx'];
  return {
    perSecond: ok / result.duration,
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    total: ok,
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

/** Every request a freshly signed webhook with a new event id. */
export function postClosedLoop(job: PostJob): Promise<LoadResult> {
  let n = 0;
  return closedLoop(job.url, job.connections, job.durationSeconds, (request) => {
    const { body, signature } = nthEvent(job, n++);
    return {
      ...request,
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'smile-signature': signature },
    };
  });
}

/** GETs going round `paths`. */
export function getClosedLoop(job: GetJob): Promise<LoadResult> {
  let n = 0;
  return closedLoop(job.baseUrl, job.connections, job.durationSeconds, (request) => ({
    ...request,
    method: 'GET',
    path: job.paths[n++ % job.paths.length]!,
    headers: job.headers,
  }));
}
