import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { SANDBOX_USERS } from '../sandbox/users.js';
import { api, pool, startBenchStack, type BenchStack } from './stack.js';
import type { BenchContext, BenchSection } from './types.js';
import { sandboxConnect } from '../sandbox/client.js';

const george = SANDBOX_USERS.george;

async function historyOf(stack: BenchStack, workflowId: string, runId?: string) {
  return (await stack.temporal.client.workflow.getHandle(workflowId, runId).fetchHistory()).events ?? [];
}

async function waitClosed(stack: BenchStack, id: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const { body } = await api<{ status: string }>(stack, 'GET', `/v1/verifications/${id}`);
    if (['COMPLETED', 'EXPIRED', 'FAILED', 'CANCELLED'].includes(body.status)) return;
    await sleep(100);
  }
  throw new Error(`${id} did not close`);
}

/**
 * History: events per happy-path verification (baseline: the recorded history of
 * a run without the `fewer-history-events` patch, test/replay/histories/george.json),
 * and a storm of 3,000 widget events against one verification.
 */
export async function benchHistory(ctx: BenchContext): Promise<BenchSection> {
  const stormSize = 3_000;
  const stack = await startBenchStack(ctx);
  try {
    const started = await api<{ verificationId: string; link: { userToken: string } }>(
      stack,
      'POST',
      '/v1/verifications',
      {
        externalUserId: 'history-george',
        applicant: { fullName: george.fullName },
      },
    );
    await sandboxConnect(stack.sandboxUrl, started.body.link.userToken, george);
    await waitClosed(stack, started.body.verificationId);
    const events = await historyOf(stack, started.body.verificationId);
    const signals = events.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
    const tasks = events.filter((e) => e.workflowTaskCompletedEventAttributes).length;
    const baseline = (
      JSON.parse(await readFile(new URL('../test/replay/histories/george.json', import.meta.url), 'utf8')) as {
        events: unknown[];
      }
    ).events.length;

    ctx.log(`  storm: ${stormSize} widget events against one verification`);
    const storm = await api<{ verificationId: string }>(stack, 'POST', '/v1/verifications', {
      externalUserId: 'history-storm',
      policy: { connectTimeout: '1h' },
    });
    const stormId = storm.body.verificationId;
    const stormStarted = Date.now();
    await pool(
      Array.from({ length: stormSize }, (_, i) => i),
      32,
      async (i) => {
        const response = await api(stack, 'POST', `/v1/verifications/${stormId}/widget-events`, {
          callback: 'onUIEvent',
          data: { eventName: 'SEARCH', n: i },
        });
        if (response.status !== 202) throw new Error(`widget event ${i}: ${response.status}`);
      },
    );
    const stormSeconds = (Date.now() - stormStarted) / 1000;
    await sleep(2_000);
    const runs: { runId: string; events: number }[] = [];
    for await (const run of stack.temporal.client.workflow.list({ query: `WorkflowId = "${stormId}"` })) {
      runs.push({ runId: run.runId, events: (await historyOf(stack, stormId, run.runId)).length });
    }
    const stormEvents = runs.reduce((sum, r) => sum + r.events, 0);
    const longest = Math.max(...runs.map((r) => r.events));

    return {
      id: 'history',
      title: 'History length',
      method: `One George verification through the sandbox, its history counted; the baseline is the same journey recorded before local store activities and merged upserts (test/replay/histories/george.json). Then ${stormSize.toLocaleString('en-US')} widget events posted to one waiting verification through the API (32 at a time).`,
      columns: ['case', 'history events', 'runs', 'longest run', 'vs baseline'],
      rows: [
        ['happy path, before (baseline)', baseline, 1, baseline, '1.00×'],
        ['happy path, now', events.length, 1, events.length, `${(events.length / baseline).toFixed(2)}×`],
        [`storm of ${stormSize.toLocaleString('en-US')} widget events`, stormEvents, runs.length, longest, '—'],
      ],
      targets: [
        {
          target: 'a happy path of at most 50 history events',
          measured: `${events.length} events (${signals} Smile event signals, ${tasks} workflow tasks)`,
          met: events.length <= 50,
        },
      ],
      chart: {
        unit: 'history events, happy path',
        bars: [
          { label: 'before', value: baseline },
          { label: 'now', value: events.length },
        ],
      },
      notes: [
        `The storm took ${stormSeconds.toFixed(1)} s to post (${Math.round(stormSize / stormSeconds)} events/s); the workflow continued as new ${runs.length - 1} times and no run grew past ${longest} events.`,
        `Of the happy path's ${events.length} events, ${signals} are Smile webhooks signalled as they arrive (one signal event each) and most of the ${tasks} workflow tasks (3 events each) are the workflow waking for them.`,
      ],
    };
  } finally {
    await stack.close();
  }
}
