import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV_API_KEY, DEV_PAYLOAD_ENCRYPTION_KEY, loadConfig } from '../../config/index.js';
import { composeConfig, envOf, ROOT, SANDBOX_ENV } from '../support/compose.js';

/**
 * No Docker engine or compose binary runs here: test/support/compose.ts reads, interpolates and
 * validates the file against the Compose Specification's JSON schema, as `docker compose config` would; the test then
 * checks the stack SPEC §2 asks for in what it resolved, and that the resolved environment is one
 * config/index.ts accepts in production. The images themselves are not built. The Temporal
 * services are checked in compose-temporal.test.ts.
 */
const REQUIRED = [
  'POSTGRES_PASSWORD',
  'API_KEYS',
  'PAYLOAD_ENCRYPTION_KEY',
  'SMILE_API_URL',
  'SMILE_API_KEY',
  'SMILE_API_SECRET',
  'SMILE_WEBHOOK_SECRET',
  'SMILE_ID_URL',
  'SMILE_ID_PARTNER_ID',
  'SMILE_ID_API_KEY',
  'RESULT_CALLBACK_SECRET',
  'PUBLIC_URL',
];
/** A production environment, as an operator would set it (no file). */
const production: Record<string, string> = {
  POSTGRES_PASSWORD: 'a-long-postgres-password',
  API_KEYS: 'a-real-key-123,another-key-456',
  PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  SMILE_API_URL: 'https://api.smileapi.io/v1',
  SMILE_API_KEY: 'live-key',
  SMILE_API_SECRET: 'live-secret',
  SMILE_WEBHOOK_SECRET: 'live-webhook-secret',
  SMILE_ID_URL: 'https://smile-id.example.com/v1',
  SMILE_ID_PARTNER_ID: 'partner-1',
  SMILE_ID_API_KEY: 'smile-id-key',
  RESULT_CALLBACK_SECRET: 'whsec_bGl2ZS1jYWxsYmFjay1zZWNyZXQ=',
  PUBLIC_URL: 'https://verify.example.com',
};

describe('docker-compose.yml', () => {
  it('validates with the sandbox profile: Postgres, Temporal on it, admin tools, the UI with the codec, the API, two workers, the sandbox', async () => {
    const services = await composeConfig(['--env-file', SANDBOX_ENV, '--profile', 'sandbox'], {});
    expect(Object.keys(services).sort()).toEqual([
      'api',
      'postgres',
      'sandbox',
      'temporal',
      'temporal-admin-tools',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    // One-shot jobs are waited for with service_completed_successfully; everything else says it is healthy.
    const longRunning = Object.entries(services).filter(([, service]) => service.restart !== 'no');
    expect(longRunning.map(([name]) => name).sort()).toEqual([
      'api',
      'postgres',
      'sandbox',
      'temporal',
      'temporal-ui',
      'worker',
    ]);
    for (const [name, service] of longRunning) {
      expect(service.healthcheck?.test, `${name} has a health check`).toBeDefined();
      expect(service.healthcheck!.test.length, `${name}'s health check runs something`).toBeGreaterThan(0);
    }
    const check = (name: string) => JSON.stringify(services[name]!.healthcheck!.test);
    expect(check('postgres')).toContain('pg_isready');
    expect(check('api')).toContain('/readyz');
    expect(check('worker')).toContain(':9464/metrics');
    expect(check('sandbox')).toMatch(/:3100\/'/);

    expect(envOf(services.api!).TEMPORAL_UI_PORT).toBe('8080'); // the UI's origin passes /codec's CORS

    expect(services.api!.build).toMatchObject({ context: ROOT.replace(/\/$/, ''), target: 'api' });
    expect(services.worker!.build).toMatchObject({ context: ROOT.replace(/\/$/, ''), target: 'worker' });
    expect(services.sandbox!.build).toMatchObject({ target: 'sandbox' });
    expect(services.worker!.deploy!.replicas).toBe(2);
    for (const name of ['api', 'worker']) {
      expect(services[name]!.depends_on).toEqual({
        postgres: { condition: 'service_healthy' },
        'temporal-admin-tools': { condition: 'service_completed_successfully' },
      });
    }
    expect(services.sandbox!.profiles).toEqual(['sandbox']);
    for (const name of [
      'postgres',
      'temporal-schema',
      'temporal',
      'temporal-admin-tools',
      'temporal-ui',
      'api',
      'worker',
    ]) {
      expect(services[name]!.profiles, `${name} runs without a profile`).toBeUndefined();
    }

    // The sandbox speaks with the credentials the API and workers use, and sends webhooks to the API.
    const api = envOf(services.api!);
    const sandbox = envOf(services.sandbox!);
    for (const name of [
      'SMILE_API_KEY',
      'SMILE_API_SECRET',
      'SMILE_WEBHOOK_SECRET',
      'SMILE_ID_PARTNER_ID',
      'SMILE_ID_API_KEY',
    ]) {
      expect(sandbox[name], name).toBe(api[name]);
    }
    expect(loadConfig(sandbox)).toMatchObject({
      env: 'development',
      api: { host: 'api', port: 3000 },
      sandbox: { host: '0.0.0.0', port: 3100 },
    });
    expect(loadConfig(api).smile.apiUrl).toBe('http://sandbox:3100/v1');
  });

  it('has a tracing profile: Jaeger takes OTLP/HTTP from the API and workers when OTEL_EXPORTER_OTLP_ENDPOINT points at it', async () => {
    const services = await composeConfig(['--env-file', SANDBOX_ENV, '--profile', 'tracing'], {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://jaeger:4318',
    });
    expect(services.jaeger!.profiles).toEqual(['tracing']);
    expect(services.jaeger!.image).toMatch(/^jaegertracing\/all-in-one:\d+\.\d+\.\d+$/);
    expect(envOf(services.jaeger!).COLLECTOR_OTLP_ENABLED).toBe('true');
    expect(services.jaeger!.ports).toEqual(['127.0.0.1:16686:16686']);
    for (const name of ['api', 'worker'])
      expect(loadConfig(envOf(services[name]!)).tracing).toEqual({ endpoint: 'http://jaeger:4318' });
    // Without the variable, nothing is exported.
    const off = await composeConfig(['--env-file', SANDBOX_ENV], {});
    expect(loadConfig(envOf(off.api!)).tracing).toEqual({ endpoint: undefined });
  });

  it('resolves a production environment (no sandbox) into configurations the API and workers accept', async () => {
    const services = await composeConfig([], production);
    // Without a profile, `up` starts these.
    const started = Object.keys(services).filter((name) => !services[name]!.profiles);
    expect(started.sort()).toEqual([
      'api',
      'postgres',
      'temporal',
      'temporal-admin-tools',
      'temporal-schema',
      'temporal-ui',
      'worker',
    ]);
    for (const name of ['api', 'worker']) {
      const config = loadConfig(envOf(services[name]!));
      expect(config).toMatchObject({
        env: 'production',
        database: { url: 'postgres://smile:a-long-postgres-password@postgres:5432/smile_verify' },
        temporal: { address: 'temporal:7233', namespace: 'default', taskQueue: 'verifications' },
        api: {
          keys: [
            expect.objectContaining({ name: 'default', secret: 'a-real-key-123' }),
            expect.objectContaining({ name: 'default', secret: 'another-key-456' }),
          ],
          publicUrl: 'https://verify.example.com',
        },
        smile: { apiUrl: production.SMILE_API_URL, webhookSecret: production.SMILE_WEBHOOK_SECRET },
        resultCallback: { secret: production.RESULT_CALLBACK_SECRET },
        payloadEncryptionKey: { key: production.PAYLOAD_ENCRYPTION_KEY, isDevKey: false },
        demo: { enabled: false },
      });
    }
    expect(loadConfig(envOf(services.api!)).api).toMatchObject({ host: '0.0.0.0', port: 3000 });
    expect(loadConfig(envOf(services.worker!)).worker).toEqual({
      metrics: { host: '0.0.0.0', port: 9464 },
      shutdownGraceSeconds: 30,
      workflowBundlePath: '/app/dist/workflow-bundle.js',
      maxCachedWorkflows: 300,
    });
    expect(envOf(services.postgres!).POSTGRES_PASSWORD).toBe(production.POSTGRES_PASSWORD);
    expect(envOf(services.temporal!).POSTGRES_PWD).toBe(production.POSTGRES_PASSWORD);
    expect(envOf(services['temporal-schema']!).POSTGRES_PWD).toBe(production.POSTGRES_PASSWORD);
  });

  it('refuses a file the Compose Specification does not allow, and a dependency on no service', async () => {
    const file = await readFile(join(ROOT, 'docker-compose.yml'), 'utf8');
    const misspelled = file.replace(
      "    healthcheck:\n      test: ['CMD-SHELL', 'pg_isready",
      "    healthcheck:\n      tset: ['CMD-SHELL', 'pg_isready",
    );
    expect(misspelled).not.toBe(file);
    await expect(composeConfig([], production, misspelled)).rejects.toThrow(/invalid.*tset/);
    const dangling = file.replace(
      'temporal-schema: { condition: service_completed_successfully }',
      'temporal-schemas: { condition: service_completed_successfully }',
    );
    expect(dangling).not.toBe(file);
    await expect(composeConfig([], production, dangling)).rejects.toThrow(/undefined service temporal-schemas/);
  });

  it.each(REQUIRED)('refuses to resolve without %s (no default for a secret)', async (name) => {
    const rest = Object.fromEntries(Object.entries(production).filter(([key]) => key !== name));
    await expect(composeConfig([], rest)).rejects.toThrow(new RegExp(`set ${name}\\b`));
  });

  it('keeps the dev keys, which production refuses, out of the sandbox values', async () => {
    const values = await readFile(join(ROOT, SANDBOX_ENV), 'utf8');
    expect(values).not.toContain(DEV_PAYLOAD_ENCRYPTION_KEY);
    expect(values).not.toMatch(new RegExp(`^API_KEYS=.*\\b${DEV_API_KEY}\\b`, 'm'));
    const assigned = new Set([...values.matchAll(/^([A-Z_]+)=/gm)].map(([, name]) => name));
    // The sandbox trial runs in development: production refuses its public sandbox secrets.
    expect([...assigned].sort()).toEqual([...REQUIRED, 'NODE_ENV'].sort());
  });
});

describe('Dockerfile', () => {
  const stages = async () => {
    const dockerfile = await readFile(join(ROOT, 'Dockerfile'), 'utf8');
    return dockerfile
      .split(/^(?=FROM )/m)
      .filter((part) => part.startsWith('FROM '))
      .map((body) => {
        const [, base, name] = /^FROM (\S+)(?: AS (\S+))?$/m.exec(body)!;
        return { base: base!, name: name!, body };
      });
  };

  it('builds api, worker and sandbox targets on Node 24 (glibc), as a non-root user, starting compiled code', async () => {
    const all = await stages();
    const byName = new Map(all.map((stage) => [stage.name, stage]));
    expect(all.map(({ base }) => base).filter((base) => !byName.has(base))).toEqual([
      'node:24-bookworm-slim',
      'node:24-bookworm-slim',
    ]);
    expect(all.some(({ base }) => /alpine|musl/.test(base))).toBe(false);
    /** A stage's instructions with those of the stages it is built on. */
    const lineage = (name: string): string => {
      const stage = byName.get(name)!;
      return (byName.has(stage.base) ? lineage(stage.base) : '') + stage.body;
    };
    const entrypoints = { api: 'dist/api/server.js', worker: 'dist/worker/main.js', sandbox: 'dist/sandbox/server.js' };
    for (const [target, entry] of Object.entries(entrypoints)) {
      expect(byName.has(target), `FROM ... AS ${target}`).toBe(true);
      const instructions = lineage(target);
      expect(instructions).toContain(`CMD ["node", "${entry}"]`);
      expect(instructions).not.toMatch(/tsx/);
      expect(instructions).toMatch(/^USER node$/m);
      expect(instructions).toMatch(/^HEALTHCHECK /m);
    }
  });

  it('installs from the lockfile, compiles with npm run build (the workflow bundle included), and ships no dev dependency', async () => {
    const build = (await stages()).find(({ name }) => name === 'build')!;
    expect(build.body).toContain('COPY package.json package-lock.json ./');
    expect(build.body).toMatch(/^RUN npm ci /m);
    expect(build.body).toMatch(/^RUN npm run build && test -s dist\/workflow-bundle.js/m);
    expect(build.body).toMatch(/^RUN npm prune --omit=dev/m);
    const pkg = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    expect(pkg.scripts.build).toContain('tsc -p tsconfig.build.json');
    // No browser in production: the PDF is drawn by a library.
    expect(Object.keys(pkg.dependencies).filter((name) => /playwright|puppeteer|chromium/.test(name))).toEqual([]);
    const runtime = (await stages()).find(({ name }) => name === 'runtime')!;
    expect(runtime.body).toContain('COPY --from=build /app/dist ./dist');
    const worker = (await stages()).find(({ name }) => name === 'worker')!;
    expect(worker.body).toContain('WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js');
  });

  it('keeps tests, secrets and local state out of the build context', async () => {
    const ignored = (await readFile(join(ROOT, '.dockerignore'), 'utf8')).split('\n').map((line) => line.trim());
    for (const entry of ['node_modules', '.git', '.env', '.env.*', '*.env', 'test', '.dev', 'dist'])
      expect(ignored).toContain(entry);
    for (const needed of ['migrations', 'scripts', 'workflows', 'package-lock.json'])
      expect(ignored).not.toContain(needed);
  });
});
