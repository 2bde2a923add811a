import { mkdir } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { findGo, isExecutable, run, type Log } from '../temporal-binary.js';

/**
 * The one place the cluster's versions are pinned. docker-compose.yml uses the same
 * server version (its images' tags; test/integration/compose.test.ts checks they agree).
 * None of the three modules has a replace directive, so `go install pkg@version` builds them.
 */
export const TEMPORAL_SERVER_VERSION = '1.29.1';
export const TEMPORAL_UI_VERSION = '2.42.1';

const CACHE = join(homedir(), '.cache', 'smile-verify');
export const SERVER_CACHE_DIR = join(CACHE, `temporal-server-v${TEMPORAL_SERVER_VERSION}`);
export const UI_CACHE_DIR = join(CACHE, `temporal-ui-v${TEMPORAL_UI_VERSION}`);

interface Binary {
  /** What the build prints while it runs. */
  what: string;
  dir: string;
  /** The file `go install` writes into GOBIN (the last element of the package path). */
  file: string;
  pkg: string;
}

const BINARIES = {
  server: {
    what: `the Temporal server v${TEMPORAL_SERVER_VERSION}`,
    dir: SERVER_CACHE_DIR,
    file: 'server',
    pkg: `go.temporal.io/server/cmd/server@v${TEMPORAL_SERVER_VERSION}`,
  },
  sql: {
    what: `the Temporal schema tool v${TEMPORAL_SERVER_VERSION}`,
    dir: SERVER_CACHE_DIR,
    file: 'sql',
    pkg: `go.temporal.io/server/cmd/tools/sql@v${TEMPORAL_SERVER_VERSION}`,
  },
  ui: {
    what: `the Temporal Web UI v${TEMPORAL_UI_VERSION}`,
    dir: UI_CACHE_DIR,
    file: 'server',
    pkg: `github.com/temporalio/ui-server/v2/cmd/server@v${TEMPORAL_UI_VERSION}`,
  },
} satisfies Record<string, Binary>;

export type ClusterBinaries = Record<keyof typeof BINARIES, string>;

/** The cached build, else `go install` into the cache (minutes, first run only, with progress). */
async function provision(binary: Binary, log: Log): Promise<string> {
  const path = join(binary.dir, binary.file);
  if (await isExecutable(path)) return path;
  const go = await findGo();
  log(`building ${binary.what} (first run only, a few minutes)…`);
  await mkdir(binary.dir, { recursive: true });
  await run(go, ['install', binary.pkg], { ...process.env, GOBIN: binary.dir }, log, `building ${binary.what}`);
  return path;
}

/** The server, its schema tool and the Web UI server, built one after another (two cores). */
export async function resolveClusterBinaries(log: Log = console.log): Promise<ClusterBinaries> {
  return {
    server: await provision(BINARIES.server, log),
    sql: await provision(BINARIES.sql, log),
    ui: await provision(BINARIES.ui, log),
  };
}

// `tsx scripts/cluster/binaries.ts`: build or find the three ahead of time.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  resolveClusterBinaries().then(
    (paths) =>
      console.log(
        Object.entries(paths)
          .map(([name, path]) => `${name}: ${path}`)
          .join('\n'),
      ),
    (error: Error) => {
      console.error(`could not provision the Temporal cluster binaries: ${error.message}`);
      process.exit(1);
    },
  );
}
