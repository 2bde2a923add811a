import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createSql, dropDatabase, ensureDatabase, LOCAL_DATABASE_URL } from '../../db/client.js';
import { migrate } from '../../db/migrate.js';
import { startEmbedded } from '../../scripts/database.js';
import { resolveClusterBinaries } from '../../scripts/cluster/binaries.js';
import { resolveTemporalBinary } from '../../scripts/temporal-binary.js';
import { startTemporalDevServer } from '../../scripts/temporal-server.js';
import { freePort } from '../../scripts/ports.js';

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    databaseUrl: string;
    databasePoolSize: number;
    /** Whether `databaseUrl` is a template each test file copies into a database of its own. */
    databaseIsTemplate: boolean;
  }
}

/** A migrated template database on the local server (dropped afterwards), else embedded PGlite (shared). */
async function testDatabase(log: (line: string) => void) {
  const base = new URL(process.env.DATABASE_URL ?? LOCAL_DATABASE_URL);
  base.pathname = `/smile_verify_template_${randomBytes(4).toString('hex')}`;
  const url = base.toString();
  try {
    await ensureDatabase(url);
    return { url, poolSize: 5, template: true, stop: () => dropDatabase(url) };
  } catch (error) {
    log(`no Postgres for tests (${(error as Error).message}); using embedded PGlite`);
    const dir = await mkdtemp(join(tmpdir(), 'smile-verify-pglite-'));
    const embedded = await startEmbedded(dir, await freePort());
    return {
      url: embedded.url,
      poolSize: 1,
      template: false,
      stop: async () => (await embedded.stop(), await rm(dir, { recursive: true })),
    };
  }
}

/**
 * One Temporal dev server (in memory, headless) and one migrated template database for the whole run.
 * The cluster's binaries (whose configuration the compose test renders) are built here too, with
 * progress, the first time on a machine: a fresh clone's `npm test` needs nothing provisioned first.
 */
export default async function setup(project: TestProject) {
  const log = (line: string) => console.log(`[test setup] ${line}`);
  const binary = await resolveTemporalBinary(log);
  await resolveClusterBinaries(log);
  const [temporal, database] = await Promise.all([
    freePort().then((port) => startTemporalDevServer({ binary, port, log })),
    testDatabase(log),
  ]);
  const sql = createSql(database.url, { max: 1 });
  await migrate(sql);
  await sql.end({ timeout: 1 });

  project.provide('temporalAddress', temporal.address);
  project.provide('databaseUrl', database.url);
  project.provide('databasePoolSize', database.poolSize);
  project.provide('databaseIsTemplate', database.template);

  return async () => {
    await temporal.stop();
    await database.stop();
  };
}
