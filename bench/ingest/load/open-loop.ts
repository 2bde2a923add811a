import { Agent, request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { nthEvent } from './events.js';
import { percentiles, type LoadResult, type PostJob } from './types.js';

/**
 * Open loop at `overallRate`: request i is due at start + i/rate, and its latency
 * counts from then, over up to `connections` keep-alive sockets. (autocannon's
 * rate limit releases each connection's share of a second in one burst and
 * corrects for coordinated omission against a 1 ms interval: that measures
 * bursts, not a steady rate.)
 */
export async function postOpenLoop(job: PostJob & { overallRate: number }): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: job.connections });
  const url = new URL(job.url);
  const intervalMs = 1_000 / job.overallRate;
  const latencies: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let errors = 0;
  const send = (i: number, dueAt: number) => {
    const { body, signature } = nthEvent(job, i);
    const done = new Promise<void>((resolve) => {
      const headers = {
        'content-type': 'application/json',
        'smile-signature': signature,
        'content-length': Buffer.byteLength(body),
      };
      const req = request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 200) latencies.push(performance.now() - dueAt);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    }).finally(() => inFlight.delete(done));
    inFlight.add(done);
  };
  const started = performance.now();
  const end = started + job.durationSeconds * 1_000;
  let n = 0;
  for (let now = started; now < end; now = performance.now()) {
    for (; started + n * intervalMs <= now; n++) send(n, started + n * intervalMs);
    await sleep(1);
  }
  await Promise.all(inFlight);
  agent.destroy();
  return {
    perSecond: latencies.length / job.durationSeconds,
    ...percentiles(latencies),
    total: latencies.length,
    errors,
  };
}
