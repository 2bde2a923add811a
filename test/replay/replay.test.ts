import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { temporal } from '@temporalio/proto';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { dataConverterOf } from '../../runtime/temporal.js';
import { bundleWorkflows } from '../../scripts/build-workflows.js';
import { WORKFLOWS_PATH } from '../../worker/create.js';

const DIR = fileURLToPath(new URL('./histories/', import.meta.url));

/**
 * Histories recorded from the integration tests of earlier versions. A change
 * to the workflow that would break a running verification fails here with a
 * DeterminismViolationError: guard it with `patched()` (see docs/workflow.md).
 * They replay against the source (as `npm run dev` runs it) and against the
 * bundle `npm run build:workflows` makes for production workers.
 */
describe('replaying recorded histories', async () => {
  const files = (await readdir(DIR)).filter((file) => file.endsWith('.json')).sort();
  const histories = await Promise.all(
    files.map(async (file) => ({
      workflowId: file.replace(/\.json$/, ''),
      history: temporal.api.history.v1.History.fromObject(JSON.parse(await readFile(DIR + file, 'utf8'))),
    })),
  );
  // Histories with encrypted payloads are decoded with the dev key they were written with; plain ones pass through.
  const dataConverter = dataConverterOf(loadConfig({ NODE_ENV: 'test' }));

  async function replayFailures(options: ReplayWorkerOptions): Promise<string[]> {
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(options, histories)) {
      if (result.error) failures.push(`${result.workflowId}: ${result.error.message}`);
    }
    return failures;
  }

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it('replays every one of them with the workflow source', async () => {
    expect(await replayFailures({ workflowsPath: WORKFLOWS_PATH, dataConverter })).toEqual([]);
  });

  it.each([
    ['the production bundle', false],
    ['the traced production bundle (OpenTelemetry interceptors in)', true],
  ])('replays every one of them with %s', async (_, traced) => {
    const code = await bundleWorkflows({ traced });
    expect(await replayFailures({ workflowBundle: { code }, dataConverter })).toEqual([]);
  });
});
