import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';

/**
 * No Docker engine runs here, but Debian's docker-compose (scripts/install-compose.sh)
 * reads, interpolates and validates the file against its schema with `config`;
 * the test then checks the stack the SPEC asks for in what it resolved.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const secrets = { API_KEYS: 'a-real-key-123', PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') };

async function composeConfig(env: Record<string, string>) {
  return run('docker-compose', ['--profile', 'sandbox', '-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
}

interface Service {
  build?: { target: string };
  image?: string;
  profiles?: string[];
  healthcheck?: { test: string[] | string };
  environment?: Record<string, string>;
  deploy?: { replicas?: number };
  command?: string[] | string;
}

describe('docker-compose.yml', () => {
  it('validates, and describes Postgres, Temporal on it, the UI with the codec, the API, two workers and the sandbox', async () => {
    const { stdout } = await composeConfig(secrets);
    const { services } = parse(stdout) as { services: Record<string, Service> };
    expect(Object.keys(services).sort()).toEqual(['api', 'postgres', 'sandbox', 'temporal', 'temporal-setup', 'temporal-ui', 'worker']);
    for (const [name, service] of Object.entries(services)) expect(service.healthcheck, `${name} has a health check`).toBeDefined();

    expect(services.temporal!.environment).toMatchObject({ DB: 'postgres12', POSTGRES_SEEDS: 'postgres' });
    const setup = JSON.stringify(services['temporal-setup']!.command);
    for (const { name } of SEARCH_ATTRIBUTES) expect(setup).toContain(name);
    expect(services['temporal-ui']!.environment!.TEMPORAL_CODEC_ENDPOINT).toMatch(/\/codec$/);

    expect(services.api!.build!.target).toBe('api');
    expect(services.worker!.build!.target).toBe('worker');
    expect(services.worker!.deploy!.replicas).toBe(2);
    expect(services.sandbox!.profiles).toEqual(['sandbox']);
    expect(services.api!.environment).toMatchObject({ NODE_ENV: 'production', TEMPORAL_ADDRESS: 'temporal:7233', API_KEYS: secrets.API_KEYS });
  });

  it('refuses to resolve without the production secrets', async () => {
    await expect(composeConfig({})).rejects.toThrow(/set API_KEYS|set PAYLOAD_ENCRYPTION_KEY/);
  });

  it('builds api and worker targets on a glibc base, the worker with its prebuilt workflow bundle', () => {
    const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM (\S+)/gm)].map(([, image]) => image!);
    expect(bases.filter((image) => image.startsWith('node:'))).not.toHaveLength(0);
    expect(bases.some((image) => /alpine/.test(image))).toBe(false);
    for (const target of ['api', 'worker', 'sandbox']) expect(dockerfile).toMatch(new RegExp(`^FROM \\S+ AS ${target}$`, 'm'));
    expect(dockerfile).toContain('scripts/build-workflows.ts dist/workflow-bundle.js');
    expect(dockerfile).toContain('WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js');
  });
});
