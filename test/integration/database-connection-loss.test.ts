import type { ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSql, type Sql } from '../../db/client.js';
import { ownDatabase } from '../support/database.js';
import { runEntrypoint, until } from '../support/entrypoint.js';

/**
 * postgres.js starts each new connection with a query of its own (the array
 * types); a server that ends the connection during that query must cost the
 * process one failed query, never its life. pg_type is locked in a database of
 * this file's own, so the new connection waits in that query until its backend
 * is terminated, as a restart or failover does.
 */
let database: { url: string; drop: () => Promise<void> };
let locker: Sql;
let killer: Sql;
/** Ends the backends of the client's connections that wait in their array-type query. */
const endTypeFetches = () => killer<{ ended: boolean }[]>`
  select pg_terminate_backend(pid) as ended from pg_stat_activity
  where datname = current_database() and application_name = 'database-client' and query like '%typcategory%'`;
beforeAll(async () => {
  database = await ownDatabase('connection_loss');
  // Both connections open, and the kill is prepared, before pg_type is locked: neither reads it again.
  [locker, killer] = [createSql(database.url, { max: 1 }), createSql(database.url, { max: 1 })];
  await Promise.all([locker`select 1`, endTypeFetches()]);
});
const started: ChildProcess[] = [];
afterAll(async () => {
  started.forEach((child) => child.exitCode === null && child.kill('SIGKILL'));
  await Promise.all([locker?.end({ timeout: 1 }), killer?.end({ timeout: 1 })]);
  await database?.drop();
});

function startClient() {
  const client = runEntrypoint('test/fixtures/processes/database-client.ts', {
    DATABASE_URL: database.url,
    DATABASE_POOL_SIZE: '2',
  });
  started.push(client.child);
  const lines: string[] = [];
  createInterface({ input: client.child.stdout! }).on('line', (line) => lines.push(line));
  const send = (line: string) => client.child.stdin!.write(`${line}\n`);
  const said = (prefix: string) => until(() => lines.some((line) => line.startsWith(prefix)), 20_000);
  const line = (prefix: string) => lines.find((l) => l.startsWith(prefix));
  return { ...client, send, said, line };
}

describe('a database connection lost while it starts', () => {
  it('fails the query that waited for it and leaves the process running', async () => {
    const client = startClient();
    expect(await client.said('opened'), client.output()).toBe(true);

    const lock = locker.begin(async (tx) => {
      await tx`lock table pg_catalog.pg_type in access exclusive mode`;
      client.send('queries');
      // The pool's second connection is now held in its array-type query: end its backend.
      const ended = await until(async () => (await endTypeFetches()).some((row) => row.ended), 20_000);
      expect(ended, client.output()).toBe(true);
    });
    await lock;

    expect(await client.said('queries'), client.output()).toBe(true);
    expect(client.line('queries')).toMatch(/^queries ok, failed 57P01$/);
    client.send('query');
    expect(await client.said('query'), client.output()).toBe(true);
    expect(client.line('query ')).toBe('query ok');
    expect(client.output()).toContain('fetched its array types');
    client.send('end');
    expect(await client.exited, client.output()).toBe(0);
  });

  it('still ends the process on any other unhandled rejection', async () => {
    const client = startClient();
    expect(await client.said('opened'), client.output()).toBe(true);
    client.send('reject');
    expect(await client.exited).not.toBe(0);
    expect(client.output()).toContain('a rejection nobody handles');
  });
});
