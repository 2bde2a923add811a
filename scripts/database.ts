import { mkdir } from 'node:fs/promises';
import { ensureDatabase, LOCAL_DATABASE_URL } from '../db/client.js';

export interface ProvisionedDatabase {
  url: string;
  /** Pool size the processes should use: 1 for the embedded PGlite server. */
  poolSize: number;
  kind: 'configured' | 'local' | 'embedded';
  stop(): Promise<void>;
}

/** PGlite in this process, served over the Postgres protocol on 127.0.0.1:port (one connection at a time). */
export async function startEmbedded(dataDir: string, port: number): Promise<ProvisionedDatabase> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1' });
  await server.start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    poolSize: 1,
    kind: 'embedded',
    stop: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/**
 * DATABASE_URL; else the local server on 127.0.0.1:5432 (creating the
 * project's database); else an embedded PGlite served over the Postgres protocol.
 */
export async function provisionDatabase(options: {
  databaseUrl: string | undefined;
  embeddedDataDir: string;
  embeddedPort?: number;
  log?: (line: string) => void;
}): Promise<ProvisionedDatabase> {
  const { databaseUrl, embeddedDataDir, embeddedPort = 5433, log = () => {} } = options;
  const noop = async () => {};
  if (databaseUrl) {
    await ensureDatabase(databaseUrl);
    return { url: databaseUrl, poolSize: 10, kind: 'configured', stop: noop };
  }
  try {
    await ensureDatabase(LOCAL_DATABASE_URL);
    return { url: LOCAL_DATABASE_URL, poolSize: 10, kind: 'local', stop: noop };
  } catch (error) {
    log(`no Postgres on 127.0.0.1:5432 (${(error as Error).message}); starting embedded PGlite`);
    return startEmbedded(embeddedDataDir, embeddedPort);
  }
}
