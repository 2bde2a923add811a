import type { CpuShare } from '../../cpu.js';
/** Which event types a run posts: what the route does after the answer depends on them. */
export type Mix = 'progress' | 'sync' | 'signalled';

/** Signed Smile webhooks to `url`: full speed (autocannon) or, with `overallRate`, an open loop at that rate. */
export interface PostJob {
  mode: 'post';
  url: string;
  secret: string;
  /** Prefix for event ids, unique per run so no event is ever a duplicate. */
  prefix: string;
  smileUserIds: string[];
  mix: Mix;
  connections: number;
  durationSeconds: number;
  overallRate?: number;
}

/** GETs at full speed (autocannon), each connection going round `paths` in turn. */
export interface GetJob {
  mode: 'get';
  baseUrl: string;
  paths: string[];
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
}

/** Raw signals from a minimal client, `concurrency` in flight. */
export interface SignalsJob {
  mode: 'signals';
  address: string;
  namespace: string;
  prefix: string;
  targets: { workflowId: string; smileUserId: string }[];
  concurrency: number;
  durationSeconds: number;
}

export type LoadJob = PostJob | GetJob | SignalsJob;

export interface LoadResult {
  /** Completed 2xx requests (or signals) per second over the run. */
  perSecond: number;
  p50: number;
  p90: number;
  p99: number;
  total: number;
  errors: number;
  /** Where the machine's CPU went during the run (bench/cpu.ts), filled in by the runner. */
  cpu?: CpuShare;
}

/** Percentiles of latencies in milliseconds (nearest rank). */
export function percentiles(latencies: number[]): Pick<LoadResult, 'p50' | 'p90' | 'p99'> {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
  return { p50: at(50), p90: at(90), p99: at(99) };
}
