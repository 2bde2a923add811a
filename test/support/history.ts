import { mkdir, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { WorkflowHandle } from '@temporalio/client';

const RECORDED = fileURLToPath(new URL('../../test-results/histories/', import.meta.url));

/**
 * Saves a finished workflow's history as JSON under test-results/histories/.
 * Copy the ones worth keeping into test/replay/histories/: every later version
 * of the workflow must replay them (test/replay/replay.test.ts).
 */
export async function saveHistory(name: string, handle: WorkflowHandle): Promise<void> {
  const history = await handle.fetchHistory();
  await mkdir(RECORDED, { recursive: true });
  await writeFile(`${RECORDED}${name}.json`, JSON.stringify(history));
}
