/**
 * `npm run bench`: every section starts what it needs (a Temporal dev server, a
 * fresh database, the sandbox, the API, a worker process), measures beside a
 * baseline from the same run, and cleans up. Writes docs/benchmarks.md,
 * docs/benchmarks.svg and docs/capacity.md (from the cost section). `-- --quick` scales the work down; `-- --only=id,id` runs some
 * (`-- --only=cluster`: the Temporal cluster beside the dev server). `-- --profile`
 * writes CPU profiles of each section (this process, and the worker processes at
 * exit) under .dev/profiles/; `npx tsx bench/flame.ts <profile> <svg>` draws one.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { format, resolveConfig } from 'prettier';
import { cpus, totalmem } from 'node:os';
import { LOCAL_DATABASE_URL } from '../db/client.js';
import { resolveTemporalBinary } from '../scripts/temporal-binary.js';
import { capacityReport } from './capacity.js';
import { chartSvg, markdownReport } from './report.js';
import { profiled } from './profile.js';
import type { BenchContext, BenchSection } from './types.js';

/** A section's module; ingest also measures status reads on its stack, so it returns two. */
const SECTIONS: Record<string, () => Promise<(ctx: BenchContext) => Promise<BenchSection | BenchSection[]>>> = {
  ingest: async () => (await import('./ingest/index.js')).benchIngest,
  'end-to-end': async () => (await import('./end-to-end.js')).benchEndToEnd,
  scale: async () => (await import('./scale.js')).benchScale,
  history: async () => (await import('./history.js')).benchHistory,
  cost: async () => (await import('./cost.js')).benchCost,
  cluster: async () => (await import('./cluster.js')).benchCluster,
};

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const profileDir = args.includes('--profile') ? '.dev/profiles' : undefined;
const log = (line: string) => console.log(line);
const ctx: BenchContext = {
  temporalBinary: await resolveTemporalBinary(log),
  databaseUrl: process.env.DATABASE_URL ?? LOCAL_DATABASE_URL,
  quick,
  profileDir,
  log,
};

const started = Date.now();
const sections: BenchSection[] = [];
for (const [id, load] of Object.entries(SECTIONS)) {
  if (only && !only.includes(id)) continue;
  log(`\n== ${id}`);
  const sectionStarted = Date.now();
  const run = await load();
  const measureSection = () =>
    run(ctx).catch((error: Error) => {
      // Said at once: a failing section's cleanup may end the process before the error is printed.
      log(`  ${id} failed: ${error.stack ?? error.message}`);
      throw error;
    });
  const results = profileDir
    ? await profiled(`${profileDir}/${id}.cpuprofile`, measureSection)
    : await measureSection();
  for (const section of [results].flat()) {
    sections.push(section);
    log(table(section));
  }
  log(`   (${Math.round((Date.now() - sectionStarted) / 1000)} s)`);
}

const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
const elapsed = Math.round((Date.now() - started) / 1000);
if (!only) {
  await mkdir('docs', { recursive: true });
  await writeFile('docs/benchmarks.md', markdownReport(sections, { machine, elapsedSeconds: elapsed, quick }));
  await writeFile('docs/benchmarks.svg', chartSvg(sections));
  const capacity = capacityReport(sections);
  // Written as prettier formats it, so `npm test`'s format check passes on the generated page.
  if (capacity) await writeFile('docs/capacity.md', await formatted(capacity, 'docs/capacity.md'));
  log(`\nwrote docs/benchmarks.md, docs/benchmarks.svg and docs/capacity.md in ${elapsed} s`);
} else {
  log(`\n(${elapsed} s; --only runs do not write docs/)`);
}
process.exit(0);

/** Markdown as the repository's prettier configuration formats it. */
async function formatted(markdown: string, filepath: string): Promise<string> {
  return format(markdown, { ...(await resolveConfig(filepath)), filepath });
}

function table(section: BenchSection): string {
  const widths = section.columns.map((c, i) => Math.max(c.length, ...section.rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => '   ' + cells.map((c, i) => String(c).padEnd(widths[i]!)).join('  ');
  const targets = section.targets.map((t) => `   ${t.met ? 'met   ' : 'MISSED'} ${t.target}: ${t.measured}`);
  return [line(section.columns), ...section.rows.map(line), ...targets].join('\n');
}
