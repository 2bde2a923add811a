import type { BenchSection } from '../types.js';
import type { LoadResult } from './load/types.js';
import { FIXED_RATE } from './runner.js';
import { COLUMNS, cells, round, rows, type IngestFigures } from './table.js';

/** Progress events against the group-commit limit: the median ratio of the pairs (a shared machine's runs vary). */
function progressTarget(pairs: { groupCommit: number; progress: number }[]): BenchSection['targets'][number] {
  const ratios = pairs.map((p) => p.progress / p.groupCommit).sort((a, b) => a - b);
  const median = ratios[Math.floor(ratios.length / 2)]!;
  return {
    target: `progress events: at least 50 % of the group-commit limit (median of ${pairs.length} runs)`,
    measured: `${round(median * 100)} % (runs: ${pairs.map((p) => `${round(p.progress)} vs ${round(p.groupCommit)}/s`).join('; ')})`,
    met: median >= 0.5,
  };
}

/** The issue's targets, judged on this run's figures. */
function targets({ bare, ours, repeats }: IngestFigures): BenchSection['targets'] {
  const limit = bare.groupCommit.perSecond;
  const raw = bare.signals.perSecond;
  const { progress, sync, signalled } = ours;
  const steadyOk = (r: LoadResult) => r.p99 < 25 && r.perSecond >= FIXED_RATE * 0.95 && r.errors === 0;
  const syncLag = sync.steady.signals;
  return [
    progressTarget([{ groupCommit: limit, progress: progress.full.result.perSecond }, ...repeats]),
    {
      target: `progress events: p99 under 25 ms at a steady ${FIXED_RATE}/s`,
      measured: `p99 ${round(progress.steady.result.p99)} ms (p50 ${round(progress.steady.result.p50)} ms) at ${round(progress.steady.result.perSecond)} events/s`,
      met: steadyOk(progress.steady.result),
    },
    {
      target: "a sync's mix: at least 3,000 events/s answered",
      measured: `${round(sync.full.result.perSecond)} events/s (p99 ${round(sync.full.result.p99)} ms)`,
      met: sync.full.result.perSecond >= 3_000 && sync.full.result.errors === 0,
    },
    {
      target: `a sync's mix: every signalled event signalled within 2 s at a steady ${FIXED_RATE}/s`,
      measured: `${syncLag.signalled} signalled, slowest ${round(syncLag.lagMax, 2)} s after its commit (p99 ${round(syncLag.lagP99, 2)} s)`,
      met: syncLag.signalled > 0 && syncLag.lagMax <= 2,
    },
    {
      target: 'every event signalled: answers at least 2× the raw signal rate',
      measured: `${round(signalled.full.result.perSecond / raw, 2)}× (${round(signalled.full.result.perSecond)} vs ${round(raw)}/s)`,
      met: signalled.full.result.perSecond >= 2 * raw,
    },
    {
      target: 'every event signalled: signals at least 1.5× the raw signal rate',
      measured: `${round(signalled.full.signals.perSecond / raw, 2)}× (${round(signalled.full.signals.perSecond)} vs ${round(raw)}/s)`,
      met: signalled.full.signals.perSecond >= 1.5 * raw,
    },
  ];
}

export interface IngestRunShape {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  users: number;
  unknownUsers: number;
  elapsedSeconds: number;
}

const ms = (v: number) => round(v, 2);

export function ingestSection(figures: IngestFigures, shape: IngestRunShape): BenchSection {
  const table = rows(figures);
  const limit = figures.bare.groupCommit.perSecond;
  const errors = table.reduce((sum, r) => sum + r.result.errors, 0);
  const parts = figures.breakdown;
  const everySignalled = figures.ours.signalled.full.signals.perSecond;
  return {
    id: 'ingest',
    title: 'Webhook ingest',
    method:
      `Load from its own process, ${shape.durationSeconds} s per run after a ${shape.warmupSeconds} s warm-up of each server: full speed is autocannon with ${shape.connections} connections (closed loop); ` +
      `${FIXED_RATE} events/s is an open loop that sends one request every 1/rate s over up to ${shape.connections} keep-alive sockets and times each from when it was due (autocannon's rate limit sends each second's share in a burst). ` +
      `Every request is a freshly signed Smile webhook with a new event id, for the ${shape.users} users of waiting verifications and ${shape.unknownUsers} that Smile knows and we do not (stored as orphans), each user receiving the mix's types in turn: ` +
      `progress events (TASK_STARTED and \`*_ADDED\`: recorded, not signalled), a sync's mix (one sync's 9 events, 3 signalled) or every event signalled (ACCOUNT_CREATED). ` +
      `Ours (worker and API in one process, Postgres pool of 10, Temporal dev server in memory) verifies the HMAC on the raw body, parses and validates the envelope, commits the inbox row with whatever else arrived meanwhile (group commit; the same statement stores a progress event already routed, \`recorded\`) and answers 200; ` +
      `routing and signalling the other events follow the answer (the signaller, and the relay for what it leaves), and after each run the bench waits until none of the run's events is pending. ` +
      `Baselines in the same run, on bare Fastify routes in the same process (no logging, schema or metrics): the HMAC alone; the HMAC and one \`insert … on conflict do nothing\` of the same inbox row per request (\`insertEvents\`, ours, a pool of 10 to a database of their own on the same server); ` +
      `the HMAC and the inbox's group commit (\`createGroupCommit\`, the same pool), the durable limit of this design; and raw signals to the same workflows from a minimal client (no codec) with ${shape.connections} in flight. ` +
      "\"vs group commit\" is throughput over that limit's; signals/s counts a run's signalled events from its first commit to its last signal; the signal lag is each signalled event's `delivered_at − received_at`, both on Postgres's clock; " +
      '"settled" is how long after the run\'s last answer its last event left pending; ' +
      'the CPU column is the cores each part used on average during the run, from /proc (bench/cpu.ts): this process (the API with its worker, or the bare servers), the Temporal dev server, every Postgres process, and the rest of the machine (the load generator). The machine has 2.',
    columns: COLUMNS,
    rows: table.map((row) => cells(row, limit)),
    targets: targets(figures),
    chart: {
      unit: 'events (or signals) per second at full speed',
      bars: [
        ...table.flatMap((r) => (r.bar ? [{ ...r.bar, value: round(r.result.perSecond) }] : [])),
        { label: 'ours: signals/s, every event signalled', kind: 'ours' as const, value: round(everySignalled) },
      ],
    },
    notes: [
      'autocannon reports latency in whole milliseconds; the open loop in fractions.',
      `One request without contention (medians): signature ${ms(parts.signature)} ms, JSON and envelope ${ms(parts.parse)} ms, inbox insert of one row ${ms(parts.insert)} ms, ` +
        `lookup + signal + mark (after the answer) ${ms(parts.deliver)} ms, of which the signal alone (with the payload codec) is about ${ms(parts.signalOnly)} ms.`,
      `Inbox after the runs: ${Object.entries(figures.inbox)
        .map(([s, n]) => `${n.toLocaleString('en-US')} ${s}`)
        .join(', ')}; ${errors} non-2xx answers or failed signals in all measured runs.`,
      `This section and the status reads took ${shape.elapsedSeconds} s together, including the stack's start.`,
    ],
  };
}
