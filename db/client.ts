import postgres from 'postgres';

export type Sql = postgres.Sql;
/** A pool or a transaction: what a repository function needs to run a query. */
export type Db = postgres.Sql | postgres.TransactionSql;

/** Where Postgres is when DATABASE_URL is unset: the local server, trust auth. */
export const LOCAL_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/smile_verify';

export interface SqlOptions {
  /** Pool size; the embedded PGlite server takes one connection at a time. */
  max?: number;
  application?: string;
}

/** One instance per process, built at start, passed in, closed with `sql.end({ timeout })`. */
export function createSql(url: string, { max = 10, application = 'smile-verify' }: SqlOptions = {}): Sql {
  return postgres(url, {
    max,
    idle_timeout: 30,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: application },
  });
}

/** Runs a trivial query with a short deadline: readiness, not a benchmark. */
export async function pingDatabase(sql: Sql, timeoutMs = 2_000): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database did not answer in time')), timeoutMs);
  });
  try {
    await Promise.race([sql`select 1`, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Connects to the server's maintenance database and creates `url`'s database when it is missing. */
const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;
const databaseName = (url: string) => decodeURIComponent(new URL(url).pathname.slice(1));

/**
 * Creates the database of `url` if it does not exist; with `template`, as a
 * copy of that database (which nobody may be connected to while it is copied).
 */
export async function ensureDatabase(url: string, template?: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${name}`;
    const from = template ? ` template ${quoted(databaseName(template))}` : '';
    if (!exists) await sql.unsafe(`create database ${quoted(name)}${from}`);
  } catch (error) {
    // Two starts may race to create it; the loser's error is not a failure.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export async function dropDatabase(url: string): Promise<void> {
  const name = databaseName(url);
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(`drop database if exists ${quoted(name)} with (force)`);
  } finally {
    await sql.end({ timeout: 1 });
  }
}
