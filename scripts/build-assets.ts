/**
 * The second half of `npm run build`, run from the compiled `dist/scripts/build-assets.js`: copies the
 * files tsc does not emit (the SQL migrations, the failure converter the workflow bundle includes)
 * beside the compiled code, then bundles the workflow code into `dist/workflow-bundle.js`.
 */
import { cp, readdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWorkflowBundle } from './build-workflows.js';

// The compiled output's folder (dist/, or another --outDir), and the project, where npm runs scripts.
const DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = process.cwd();

await cp(join(ROOT, 'db/migrations'), join(DIST, 'db/migrations'), { recursive: true });
await cp(join(ROOT, 'runtime/failure-converter.cjs'), join(DIST, 'runtime/failure-converter.cjs'));
const started = Date.now();
await buildWorkflowBundle(join(DIST, 'workflow-bundle.js'));
const migrations = (await readdir(join(DIST, 'db/migrations'))).length;
console.log(`dist/: ${migrations} migrations, workflow bundle in ${Date.now() - started} ms`);
