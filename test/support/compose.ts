import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse } from 'yaml';

/**
 * docker-compose.yml as Debian's docker-compose 1.29 resolves it with `config` (no Docker engine
 * needed; scripts/install-compose.sh installs it): interpolated, validated against the Compose
 * schema, printed as YAML.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SANDBOX_ENV = 'deploy/sandbox.env';
const run = promisify(execFile);

export interface Service {
  build?: { context: string; dockerfile?: string; target: string };
  image?: string;
  profiles?: string[];
  healthcheck?: { test: string[] | string };
  environment?: Record<string, string | number | null>;
  depends_on?: Record<string, { condition: string }>;
  deploy?: { replicas?: number };
  entrypoint?: string[];
  volumes?: (string | { source: string; target: string })[];
  ports?: unknown[];
  restart?: string;
}

/** `docker-compose config` with only the given variables (none leak in from the test process). */
export async function composeConfig(args: string[], env: Record<string, string>): Promise<Record<string, Service>> {
  const { stdout } = await run('docker-compose', [...args, '-f', 'docker-compose.yml', 'config'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return (parse(stdout) as { services: Record<string, Service> }).services;
}

/** A service's resolved environment as the process would see it. */
export const envOf = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
