import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildWorkflowBundle } from '../build-workflows.js';
import type { Log } from '../temporal-binary.js';
import { apiProcess, sandboxProcess, workerProcess, type AppOptions } from './apps.js';
import { resolveClusterBinaries, TEMPORAL_SERVER_VERSION } from './binaries.js';
import { registerNamespace } from './namespace.js';
import type { ManagedProcess } from './process.js';
import { setupSchema, temporalDatabases, temporalProcess, uiProcess } from './temporal.js';
import { frontendOf, type ClusterPorts } from './topology.js';

export interface TemporalOptions {
  root: string;
  ports: ClusterPorts;
  /** The Postgres server the Temporal databases go on, and their names. */
  temporalPostgresUrl: string;
  temporalDatabases: { persistence: string; visibility: string };
  numHistoryShards: number;
  namespace: string;
  /** Logs of every process (and the workflow bundle). */
  dir: string;
  log: Log;
}

export interface TemporalCluster {
  address: string;
  processes: ManagedProcess[];
  stop(): Promise<void>;
}

/**
 * The Temporal server on Postgres as five processes, with the namespace and search attributes
 * registered: the schema first, then the frontend alone (concurrent first starts race on
 * initializing the cluster metadata, and the loser exits), then history ×2, matching and worker.
 */
export async function startTemporalCluster(options: TemporalOptions): Promise<TemporalCluster> {
  const { root, ports, dir, log } = options;
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    for (const process of [...processes].reverse()) await process.close().catch(() => {});
  };
  try {
    const logDir = join(dir, 'logs');
    await mkdir(logDir, { recursive: true });
    const binaries = await resolveClusterBinaries(log);
    const db = temporalDatabases(options.temporalPostgresUrl, options.temporalDatabases);
    log(`Temporal databases ${db.persistence} and ${db.visibility} on ${db.host}:${db.port}`);
    await setupSchema(root, binaries.sql, db, log);
    const temporalOptions = { root, binaries, ports, db, numHistoryShards: options.numHistoryShards, logDir };
    log(`starting the Temporal server v${TEMPORAL_SERVER_VERSION}: frontend, then history ×2, matching, worker`);
    processes.push(...ports.temporal.map((spec) => temporalProcess(temporalOptions, spec)));
    await processes[0]!.start();
    await Promise.all(processes.slice(1).map((p) => p.start()));
    const address = `127.0.0.1:${frontendOf(ports).grpcPort}`;
    await registerNamespace(address, options.namespace, log);
    return { address, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface ClusterOptions extends TemporalOptions {
  /** The product's database (already created). */
  databaseUrl: string;
  /** Settings of the product's processes (NODE_ENV, secrets, task queue…). */
  appEnv: Record<string, string>;
  /** Start the sandbox as a process (`npm run cluster`); the chaos suite runs its own in-process. */
  sandbox: boolean;
  onLine?: AppOptions['onLine'];
}

export interface Cluster {
  address: string;
  temporal: ManagedProcess[];
  history: ManagedProcess[];
  ui: ManagedProcess;
  sandbox: ManagedProcess | undefined;
  apis: [ManagedProcess, ManagedProcess];
  workers: [ManagedProcess, ManagedProcess];
  /** Everything, in the order it started. */
  all(): ManagedProcess[];
  /** Stops everything in the reverse order: the product first, then the UI, then Temporal's services. */
  stop(): Promise<void>;
}

/**
 * The production shape on one machine: the Temporal server on Postgres as five
 * processes, the namespace and search attributes, the Web UI on the codec, then the sandbox,
 * two APIs and two workers. On any failure it stops what it started and rethrows.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  const { root, ports, dir, namespace } = options;
  const started: ManagedProcess[] = [];
  const stop = async () => {
    for (const process of [...started].reverse()) await process.close().catch(() => {});
  };
  const run = async (...processes: ManagedProcess[]) => {
    started.push(...processes);
    await Promise.all(processes.map((p) => p.start()));
  };
  try {
    const bundle = buildWorkflowBundle(join(dir, 'workflow-bundle.js'));
    bundle.catch(() => {});
    const { address, processes: temporal } = await startTemporalCluster(options);
    started.push(...temporal);
    const logDir = join(dir, 'logs');
    const binaries = await resolveClusterBinaries(options.log);
    const ui = uiProcess({ root, binaries, ports, logDir }, `http://127.0.0.1:${ports.apis[0]}/codec`, namespace);
    await run(ui);

    const apps: AppOptions = {
      root,
      ports,
      databaseUrl: options.databaseUrl,
      workflowBundlePath: await bundle,
      env: { TEMPORAL_NAMESPACE: namespace, ...options.appEnv },
      logDir,
      ...(options.onLine ? { onLine: options.onLine } : {}),
    };
    const sandbox = options.sandbox ? sandboxProcess(apps) : undefined;
    if (sandbox) await run(sandbox);
    const apis: [ManagedProcess, ManagedProcess] = [apiProcess(apps, 0), apiProcess(apps, 1)];
    const workers: [ManagedProcess, ManagedProcess] = [workerProcess(apps, 0), workerProcess(apps, 1)];
    await run(...apis, ...workers);
    return {
      address,
      temporal,
      history: temporal.filter((p) => p.name.startsWith('history')),
      ui,
      sandbox,
      apis,
      workers,
      all: () => [...started],
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
