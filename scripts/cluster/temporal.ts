import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isListening } from '../temporal-server.js';
import type { Log } from '../temporal-binary.js';
import type { ClusterBinaries } from './binaries.js';
import { ManagedProcess } from './process.js';
import { frontendOf, serviceEnv, type ClusterPorts, type TemporalProcessSpec } from './topology.js';

/** Where the Temporal server keeps its data: a Postgres server and the two database names. */
export interface TemporalDatabases {
  host: string;
  port: number;
  user: string;
  password: string;
  persistence: string;
  visibility: string;
}

export function temporalDatabases(
  postgresUrl: string,
  names: Pick<TemporalDatabases, 'persistence' | 'visibility'>,
): TemporalDatabases {
  const url = new URL(postgresUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || 'postgres',
    password: decodeURIComponent(url.password),
    ...names,
  };
}

/** The variables of deploy/temporal/server/smile-verify.yaml and setup-schema.sh for these databases. */
function databaseEnv(db: TemporalDatabases): Record<string, string> {
  return {
    POSTGRES_SEEDS: db.host,
    DB_PORT: String(db.port),
    POSTGRES_USER: db.user,
    POSTGRES_PWD: db.password,
    DBNAME: db.persistence,
    VISIBILITY_DBNAME: db.visibility,
  };
}

const baseEnv = () => ({ PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' });

/** Creates and migrates both databases with deploy/temporal/setup-schema.sh (docker-compose.yml runs it too). */
export async function setupSchema(root: string, sqlTool: string, db: TemporalDatabases, log: Log): Promise<void> {
  const env = { ...baseEnv(), ...databaseEnv(db), SQL_TOOL: sqlTool, ATTEMPTS: '1' };
  const { stdout } = await promisify(execFile)('sh', [join(root, 'deploy/temporal/setup-schema.sh')], {
    cwd: root,
    env,
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: Error & { stderr?: string }) => {
    throw new Error(`the Temporal schema setup failed: ${error.message}\n${(error.stderr ?? '').slice(-3_000)}`);
  });
  for (const line of stdout.split('\n').filter((l) => l.startsWith('database '))) log(line);
}

export interface TemporalClusterOptions {
  root: string;
  binaries: ClusterBinaries;
  ports: ClusterPorts;
  db: TemporalDatabases;
  numHistoryShards: number;
  logDir: string;
  logLevel?: string;
}

/**
 * Connections each server process may hold, per database. Five processes share one local
 * Postgres (100 connections by default) with the product's four: the template's defaults (20 and
 * 10, docker-compose.yml's) would take 150.
 */
const CONNECTIONS = { persistence: 6, visibility: 2 };

/** One service of the server as its own process, on the shared config template. */
export function temporalProcess(options: TemporalClusterOptions, spec: TemporalProcessSpec): ManagedProcess {
  const { root, binaries, ports, db, numHistoryShards, logDir, logLevel = 'warn' } = options;
  return new ManagedProcess({
    name: spec.name,
    command: binaries.server,
    args: ['--root', root, '--config', 'deploy/temporal/server', '--env', 'smile-verify', '--allow-no-auth'].concat([
      'start',
      '--service',
      spec.role,
    ]),
    cwd: root,
    env: {
      ...baseEnv(),
      ...databaseEnv(db),
      ...serviceEnv(spec, ports),
      NUM_HISTORY_SHARDS: String(numHistoryShards),
      SQL_MAX_CONNS: String(CONNECTIONS.persistence),
      SQL_MAX_IDLE_CONNS: String(CONNECTIONS.persistence),
      SQL_VIS_MAX_CONNS: String(CONNECTIONS.visibility),
      SQL_VIS_MAX_IDLE_CONNS: String(CONNECTIONS.visibility),
      LOG_LEVEL: logLevel,
      DYNAMIC_CONFIG_FILE_PATH: join(root, 'deploy/temporal/server/dynamic-config.yaml'),
    },
    // The worker service serves no gRPC, only membership.
    ready: () => isListening(`127.0.0.1:${spec.role === 'worker' ? spec.membershipPort : spec.grpcPort}`),
    logFile: join(logDir, `${spec.name}.log`),
  });
}

/** The Web UI server at ports.ui on the frontend, decoding payloads through `codecEndpoint`. */
export function uiProcess(
  options: Pick<TemporalClusterOptions, 'root' | 'binaries' | 'ports' | 'logDir'>,
  codecEndpoint: string,
  namespace: string,
): ManagedProcess {
  const { root, binaries, ports, logDir } = options;
  return new ManagedProcess({
    name: 'temporal-ui',
    command: binaries.ui,
    args: ['--root', root, '--config', 'deploy/temporal/ui', '--env', 'smile-verify', 'start'],
    cwd: root,
    env: {
      ...baseEnv(),
      TEMPORAL_ADDRESS: `127.0.0.1:${frontendOf(ports).grpcPort}`,
      TEMPORAL_UI_PORT: String(ports.ui),
      TEMPORAL_CODEC_ENDPOINT: codecEndpoint,
      TEMPORAL_DEFAULT_NAMESPACE: namespace,
    },
    ready: () => isListening(`127.0.0.1:${ports.ui}`),
    logFile: join(logDir, 'temporal-ui.log'),
  });
}
