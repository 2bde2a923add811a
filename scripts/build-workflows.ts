/**
 * `npm run build:workflows`: bundles the workflow code once, at build time, so a
 * production worker starts in a second instead of running webpack on every start.
 * The worker loads it from WORKFLOW_BUNDLE_PATH, or the traced one beside it
 * (`*.traced.js`, with OpenTelemetry's workflow interceptors) when tracing is on.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { FAILURE_CONVERTER_PATH } from '../runtime/temporal.js';
import { tracedBundlePath, WORKFLOW_INTERCEPTOR_MODULES } from '../runtime/tracing.js';
import { WORKFLOWS_PATH } from '../worker/create.js';

/** The production bundle's code: the workflows and the failure converter the worker is configured with. */
export async function bundleWorkflows({ traced = false }: { traced?: boolean } = {}): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS_PATH,
    failureConverterPath: FAILURE_CONVERTER_PATH,
    // OpenTelemetry's workflow interceptors only in the traced bundle: they cost memory per workflow.
    ...(traced ? { workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES } : {}),
    logger: new DefaultLogger('WARN'),
  });
  return code;
}

/** Writes the bundle to `outFile` and the traced one beside it. */
export async function buildWorkflowBundle(outFile: string): Promise<string> {
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, await bundleWorkflows());
  await writeFile(tracedBundlePath(outFile), await bundleWorkflows({ traced: true }));
  return outFile;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const outFile = resolve(process.argv[2] ?? 'dist/workflow-bundle.js');
  const started = Date.now();
  await buildWorkflowBundle(outFile);
  console.log(`workflow bundles written to ${outFile} and ${tracedBundlePath(outFile)} in ${Date.now() - started} ms`);
}
