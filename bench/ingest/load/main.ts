/**
 * The load generator of the ingest section, run as its own process so that the
 * client's work (building and signing every request, the raw Temporal client)
 * never shares an event loop with the servers it measures.
 *
 * `node --import tsx bench/ingest/load/main.ts '<json LoadJob>'` prints one line
 * of JSON (a LoadResult) on stdout.
 */
import { getClosedLoop, postClosedLoop } from './closed-loop.js';
import { postOpenLoop } from './open-loop.js';
import { rawSignals } from './signals.js';
import type { LoadJob, LoadResult } from './types.js';

function run(job: LoadJob): Promise<LoadResult> {
  switch (job.mode) {
    case 'post':
      return job.overallRate ? postOpenLoop({ ...job, overallRate: job.overallRate }) : postClosedLoop(job);
    case 'get':
      return getClosedLoop(job);
    case 'signals':
      return rawSignals(job);
  }
}

const result = await run(JSON.parse(process.argv[2]!) as LoadJob);
process.stdout.write(`${JSON.stringify(result)}\n`);
process.exit(0);
