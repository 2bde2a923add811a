import { Client, Connection } from '@temporalio/client';
import { smileEventSignal, type SmileEventRef } from '../../../workflows/messages.js';
import { percentiles, type LoadResult, type SignalsJob } from './types.js';

/** Raw signals from a minimal client: no codec, no HTTP, no Postgres; `concurrency` in flight. */
export async function rawSignals(job: SignalsJob): Promise<LoadResult> {
  const connection = await Connection.connect({ address: job.address });
  const client = new Client({ connection, namespace: job.namespace });
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const started = performance.now();
  const until = started + job.durationSeconds * 1_000;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (performance.now() < until) {
        const i = n++;
        const target = job.targets[i % job.targets.length]!;
        const ref: SmileEventRef = {
          eventId: `${job.prefix}-${i}`,
          type: 'ACCOUNT_CREATED',
          smileUserId: target.smileUserId,
          accountId: 'a-bench',
          providerId: 'sss_ph',
          hasPayload: false,
          createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
        };
        const t0 = performance.now();
        try {
          await client.workflow.getHandle(target.workflowId).signal(smileEventSignal, ref);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1_000;
  await connection.close();
  return { perSecond: latencies.length / elapsedSeconds, ...percentiles(latencies), total: latencies.length, errors };
}
