import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../workflows/search-attributes.js';
import {
  resolveClusterBinaries,
  TEMPORAL_SERVER_VERSION,
  TEMPORAL_UI_VERSION,
} from '../../scripts/cluster/binaries.js';
import { temporalDatabases, temporalProcess } from '../../scripts/cluster/temporal.js';
import { DEFAULT_PORTS } from '../../scripts/cluster/topology.js';
import { composeConfig, envOf, ROOT, SANDBOX_ENV, type Service } from '../support/compose.js';

/**
 * The Temporal part of docker-compose.yml beside `npm run cluster`: the same server version, the
 * same configuration template (deploy/temporal/server/), rendered here by the server binary
 * `npm run cluster` runs (`render-config`) with each one's environment.
 */
const run = promisify(execFile);
let services: Record<string, Service>;
let server: string;

beforeAll(async () => {
  services = await composeConfig(['--env-file', SANDBOX_ENV, '--profile', 'sandbox'], {});
  server = (await resolveClusterBinaries()).server;
});

interface Rendered {
  persistence: {
    numHistoryShards: number;
    defaultStore: string;
    visibilityStore: string;
    datastores: Record<string, { sql: { pluginName: string; databaseName: string; connectAddr: string } }>;
  };
  global: { metrics: { prometheus: { listenAddress: string } }; pprof: { port: number } };
  services: Record<string, { rpc: { grpcPort: number; membershipPort: number; bindOnIP: string } }>;
  clusterMetadata: { clusterInformation: { active: { rpcAddress: string } } };
  dynamicConfigClient: { filepath: string };
}

/** The configuration the server reads from the template with `env` (nothing else leaks in). */
async function render(env: Record<string, string>): Promise<Rendered> {
  const args = ['--root', ROOT, '--config', 'deploy/temporal/server', '--env', 'smile-verify', 'render-config'];
  const { stdout } = await run(server, args, { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env } });
  return parse(stdout) as Rendered;
}

/** `npm run cluster`'s second history process, as scripts/cluster/temporal.ts starts it. */
function clusterHistory2() {
  const db = temporalDatabases('postgres://postgres@127.0.0.1:5432/smile_verify_cluster', {
    persistence: 'temporal',
    visibility: 'temporal_visibility',
  });
  const binaries = { server, sql: 'sql', ui: 'ui' };
  const options = { root: ROOT, binaries, ports: DEFAULT_PORTS, db, numHistoryShards: 16, logDir: '/tmp' };
  return temporalProcess(
    options,
    DEFAULT_PORTS.temporal.find((p) => p.name === 'history-2')!,
  ).spec;
}

describe('docker-compose.yml: the Temporal server', () => {
  it('sets the schema up with a one-shot admin-tools job, then runs temporalio/server on the template npm run cluster uses', () => {
    const schema = services['temporal-schema']!;
    expect(schema.image).toBe(`temporalio/admin-tools:${TEMPORAL_SERVER_VERSION}-tctl-1.18.4-cli-1.5.0`);
    expect(schema.entrypoint).toEqual(['sh', '/deploy/setup-schema.sh']);
    expect(schema.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    expect(envOf(schema)).toMatchObject({ DBNAME: 'temporal', VISIBILITY_DBNAME: 'temporal_visibility' });

    const temporal = services.temporal!;
    expect(temporal.image).toBe(`temporalio/server:${TEMPORAL_SERVER_VERSION}`);
    expect(temporal.depends_on).toEqual({ 'temporal-schema': { condition: 'service_completed_successfully' } });
    expect(temporal.volumes).toContain(`${join(ROOT, 'deploy/temporal/server')}:/deploy/temporal/server:ro`);
    const config = (args: string[]) => args.slice(args.indexOf('--config'), args.indexOf('--env') + 2);
    expect(temporal.entrypoint!.slice(0, 3)).toEqual(['temporal-server', '--root', '/']);
    expect(config(temporal.entrypoint!)).toEqual(['--config', 'deploy/temporal/server', '--env', 'smile-verify']);
    expect(config(clusterHistory2().args)).toEqual(config(temporal.entrypoint!));

    const admin = services['temporal-admin-tools']!;
    expect(admin.image).toBe(schema.image);
    expect(admin.depends_on).toEqual({ temporal: { condition: 'service_healthy' } });
    expect(admin.entrypoint).toEqual(['sh', '/deploy/register-namespace.sh']);
    expect(String(envOf(admin).SEARCH_ATTRIBUTES).split(' ')).toEqual(SEARCH_ATTRIBUTES.map(({ name }) => name));
  });

  it('keeps the Web UI on the codec, off the network without authentication, and read-only', () => {
    const ui = services['temporal-ui']!;
    expect(ui.image).toBe(`temporalio/ui:${TEMPORAL_UI_VERSION}`);
    expect(envOf(ui)).toMatchObject({
      TEMPORAL_CODEC_ENDPOINT: 'http://localhost:3000/codec',
      TEMPORAL_DISABLE_WRITE_ACTIONS: 'true',
    });
    expect(envOf(services.api!).TEMPORAL_UI_PORT).toBe('8080'); // the UI's origin passes /codec's CORS
    expect(ui.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(services.temporal!.ports).toBeUndefined();
  });

  it("renders compose's environment into Postgres persistence, SQL visibility in its own database and 512 shards", async () => {
    const rendered = await render(envOf(services.temporal!));
    expect(rendered.persistence).toMatchObject({
      numHistoryShards: 512,
      defaultStore: 'default',
      visibilityStore: 'visibility',
    });
    expect(rendered.persistence.datastores).toMatchObject({
      default: { sql: { pluginName: 'postgres12', databaseName: 'temporal', connectAddr: 'postgres:5432' } },
      visibility: {
        sql: { pluginName: 'postgres12', databaseName: 'temporal_visibility', connectAddr: 'postgres:5432' },
      },
    });
    // Bound to the container's own address (unset), which the service name resolves to.
    expect(rendered.services.frontend!.rpc.bindOnIP).toBe('');
    expect(rendered.clusterMetadata.clusterInformation.active.rpcAddress).toBe('temporal:7233');
    expect(rendered.dynamicConfigClient.filepath).toBe('/deploy/temporal/server/dynamic-config.yaml');

    const more = await composeConfig(['--env-file', SANDBOX_ENV], { NUM_HISTORY_SHARDS: '2048' });
    expect((await render(envOf(more.temporal!))).persistence.numHistoryShards).toBe(2048);
  });

  it("renders the cluster's environment into a second history process on its own ports, 16 shards, on loopback", async () => {
    const rendered = await render(clusterHistory2().env);
    expect(rendered.persistence.numHistoryShards).toBe(16);
    expect(rendered.services.history!.rpc).toMatchObject({
      grpcPort: 7244,
      membershipPort: 6944,
      bindOnIP: '127.0.0.1',
    });
    expect(rendered.global.metrics.prometheus.listenAddress).toBe('127.0.0.1:8011');
    expect(rendered.global.pprof.port).toBe(7947);
    expect(rendered.persistence.datastores.visibility!.sql.databaseName).toBe('temporal_visibility');
  });
});
