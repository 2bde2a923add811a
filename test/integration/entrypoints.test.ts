import type { ChildProcess } from 'node:child_process';
import { testDatabaseUrl } from '../support/stack.js';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { freePort } from '../../scripts/ports.js';
import { buildDist, runEntrypoint, ROOT, until } from '../support/entrypoint.js';

let dist: string;
beforeAll(async () => {
  await mkdir(join(ROOT, 'test-results'), { recursive: true });
  dist = await buildDist();
}, 180_000);

const started: ChildProcess[] = [];
afterAll(async () => {
  started.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
  if (dist) await rm(dist, { recursive: true, force: true });
});

function run(entry: string, env: Record<string, string>) {
  const process = runEntrypoint(entry, env);
  started.push(process.child);
  return process;
}

describe('the entrypoints', () => {
  it('start compiled (npm run build) under plain Node, serve, and stop cleanly on SIGTERM; the worker runs the prebuilt bundle and serves metrics', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const bundle = join(dist, 'workflow-bundle.js');
    const env = {
      DATABASE_URL: testDatabaseUrl(),
      DATABASE_POOL_SIZE: String(inject('databasePoolSize')),
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: `entrypoints-${port}`,
      PORT: String(port),
    };
    const api = run(join(dist, 'api/server.js'), env);
    const worker = run(join(dist, 'worker/main.js'), {
      ...env,
      WORKFLOW_BUNDLE_PATH: bundle,
      WORKER_METRICS_PORT: String(metricsPort),
    });
    const ready = await until(() =>
      fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      ),
    );
    expect(ready, api.output()).toBe(true);
    expect(await until(() => worker.output().includes('worker polling')), worker.output()).toBe(true);
    expect(worker.output()).toContain(`workflows from the prebuilt bundle ${bundle}`);
    // The runtime's Prometheus exporter: polls have happened by now, so the worker's series exist.
    let metrics = '';
    expect(
      await until(async () =>
        (metrics = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then(
          (r) => r.text(),
          () => '',
        )).includes('temporal_'),
      ),
      metrics,
    ).toBe(true);
    expect(metrics).toMatch(/temporal_\w+\{[^}]*task_queue="entrypoints-/);
    // Beside the runtime's series, the worker's own: the Smile budget, requests, in-flight calls, limiter waits.
    expect(metrics).toMatch(/^smile_verify_smile_budget_requests_per_second 20$/m);
    expect(metrics).toContain('# TYPE smile_verify_smile_requests_total counter');
    expect(metrics).toContain('# TYPE smile_verify_smile_limiter_wait_seconds histogram');
    expect(metrics).toMatch(/^smile_verify_smile_requests_in_flight 0$/m);

    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    expect(await api.exited, api.output()).toBe(0);
    expect(await worker.exited, worker.output()).toBe(0);
  });

  it('refuses an invalid configuration with a message naming the variable', async () => {
    const api = run(join(dist, 'api/server.js'), { PORT: 'eighty' });
    expect(await api.exited).toBe(1);
    expect(api.output()).toContain('PORT');
  });
});
