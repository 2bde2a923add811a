/**
 * One part of `npm run bench`. Every figure sits beside a baseline measured in
 * the same run on the same machine, so the ratios mean something anywhere.
 */
export interface BenchSection {
  id: string;
  title: string;
  /** What was measured and how, in a sentence or two (goes into docs/benchmarks.md). */
  method: string;
  /** A Markdown table: the first column names the row. */
  columns: string[];
  rows: (string | number)[][];
  /** Targets from the issue and whether this run met them. */
  targets: { target: string; measured: string; met: boolean }[];
  /**
   * Bars for the chart in docs/benchmarks.svg: same unit within one section. With
   * `kind`, baselines are drawn grey beside ours; without, each bar its own colour.
   */
  chart?: { unit: string; bars: { label: string; value: number; kind?: 'baseline' | 'ours' }[] };
  notes?: string[];
  /** Figures other reports build on (the cost section's per-verification costs feed docs/capacity.md). */
  data?: unknown;
}

export interface BenchContext {
  /** The cached `temporal` CLI (scripts/temporal-binary.ts). */
  temporalBinary: string;
  /** A Postgres server URL; sections create and drop their own databases on it. */
  databaseUrl: string;
  /** Scales the work down for a quick look (`npm run bench -- --quick`). */
  quick: boolean;
  /** `-- --profile`: where CPU profiles go (worker processes write theirs here at exit). */
  profileDir?: string;
  log(line: string): void;
}
