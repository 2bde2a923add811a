import type { ProgressPair } from './repeats.js';
import type { Breakdown } from './breakdown.js';
import type { LoadResult } from './load/types.js';
import { MIX_LABELS, OUR_MIXES, type OurRun, type OurRuns } from './ours.js';
import { coresCell } from '../cpu.js';
import { CONNECTIONS, FIXED_RATE } from './runner.js';

/** The CPU column's groups, in order: see bench/cpu.ts. */
export const CPU_GROUPS = ['this process', 'temporal', 'postgres', 'rest'];

export interface IngestFigures {
  bare: { hmac: LoadResult; insert: LoadResult; groupCommit: LoadResult; signals: LoadResult };
  ours: OurRuns;
  breakdown: Breakdown;
  inbox: Record<string, number>;
  /** Further pairs of the group-commit limit and our progress events (the target takes the median ratio). */
  repeats: ProgressPair[];
}

export const round = (value: number, digits = 1) => Number(value.toFixed(digits));
const DASH = '—';

export interface Row {
  label: string;
  /** Its bar in the chart, if it has one (the full-speed runs). */
  bar?: { label: string; kind: 'baseline' | 'ours' };
  result: LoadResult;
  /** Signals per second for the raw baseline, or what the inbox says about one of our runs. */
  signals?: number;
  run?: OurRun;
  fullSpeed: boolean;
}

export function rows({ bare, ours }: IngestFigures): Row[] {
  const baseline = (label: string, bar: string, result: LoadResult, signals?: number): Row => ({
    label: `${label} (baseline)`,
    bar: { label: bar, kind: 'baseline' },
    result,
    fullSpeed: true,
    ...(signals === undefined ? {} : { signals }),
  });
  const short = { progress: 'progress only', sync: "a sync's mix", signalled: 'every event signalled' };
  return [
    baseline('bare Fastify: HMAC only', 'bare: HMAC only', bare.hmac),
    baseline('bare Fastify: HMAC + one insert per request', 'bare: HMAC + insert per request', bare.insert),
    baseline('bare Fastify: HMAC + group commit, the durable limit', 'bare: HMAC + group commit', bare.groupCommit),
    baseline(
      `raw Temporal signals, ${CONNECTIONS} in flight`,
      'raw Temporal signals',
      bare.signals,
      bare.signals.perSecond,
    ),
    ...OUR_MIXES.map((mix) => ({
      label: `/webhooks/smile, full speed, ${MIX_LABELS[mix]}`,
      bar: { label: `ours: ${short[mix]}`, kind: 'ours' as const },
      result: ours[mix].full.result,
      run: ours[mix].full,
      fullSpeed: true,
    })),
    ...OUR_MIXES.map((mix) => ({
      label: `/webhooks/smile at ${FIXED_RATE} events/s, ${MIX_LABELS[mix]}`,
      result: ours[mix].steady.result,
      run: ours[mix].steady,
      fullSpeed: false,
    })),
  ];
}

export function cells(row: Row, limit: number): (string | number)[] {
  const { result, run } = row;
  const signalled = run && run.signals.signalled > 0 ? run.signals : undefined;
  const signals = row.signals ?? signalled?.perSecond;
  return [
    row.label,
    round(result.perSecond),
    round(result.p50),
    round(result.p99),
    result.errors,
    row.fullSpeed ? `${round(result.perSecond / limit, 3)}×` : DASH,
    signals === undefined ? DASH : round(signals),
    signalled ? `${round(signalled.lagP99, 2)} / ${round(signalled.lagMax, 2)}` : DASH,
    run ? round(run.settledAfter, 1) : DASH,
    coresCell(result.cpu, CPU_GROUPS),
  ];
}

export const COLUMNS = [
  'variant',
  'events/s',
  'p50 (ms)',
  'p99 (ms)',
  'errors',
  'vs group commit',
  'signals/s',
  'signal lag p99 / max (s)',
  'settled (s after)',
  'CPU cores: API+worker / Temporal / Postgres / load',
];
