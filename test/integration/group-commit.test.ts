import { afterAll, describe, expect, it } from 'vitest';
import { createGroupCommit } from '../../api/webhooks/group-commit.js';
import { createSql, type Db } from '../../db/client.js';
import { smileInboxEvent } from '../../db/inbox.js';
import { testDatabaseUrl } from '../support/stack.js';
import { verificationWorkflowId } from '../../workflows/ids.js';

/** Group commit against this file's own Postgres: requests that arrive together share statements. */
const sql = createSql(testDatabaseUrl(), { max: 4 });
afterAll(() => sql.end({ timeout: 1 }));

/** The real pool, counting the statements sent through it (tagged-template calls). */
function counting(db: Db): { db: Db; statements: () => number } {
  let statements = 0;
  const proxy = new Proxy(db, {
    apply(target, self, args: unknown[]) {
      if (Array.isArray(args[0]) && 'raw' in (args[0] as object)) statements++;
      return Reflect.apply(target as never, self, args);
    },
  });
  return { db: proxy, statements: () => statements };
}

const prefix = `gc-${Date.now().toString(36)}`;
const event = (id: string) =>
  smileInboxEvent({ id, version: 1, type: 'TASK_STARTED', createdAt: '2026-01-01T00:00:00Z', data: { userId: 'u-1' } });

describe('group commit', () => {
  it('commits concurrent requests in a few multi-row statements, each answered for its own row', async () => {
    const { db, statements } = counting(sql);
    const inbox = createGroupCommit({ sql: db });
    const ids = Array.from({ length: 100 }, (_, i) => `${prefix}-a-${i % 60}`);
    const answers = await Promise.all(ids.map((id) => inbox.insert(event(id), {})));
    expect(statements()).toBeLessThan(5);
    expect(answers.filter((a) => a !== 'duplicate')).toHaveLength(60);
    // The first request of a repeated id is the new one.
    expect(answers.slice(0, 60).every((a) => a !== 'duplicate')).toBe(true);
    const stored = await sql`select id from inbox_events where id like ${`${prefix}-a-%`}`;
    expect(stored).toHaveLength(60);
  });

  it('a row Postgres refuses fails only its own request', async () => {
    const inbox = createGroupCommit({ sql });
    const bad = { ...event(`${prefix}-bad`), source: 'nowhere' as never }; // the source check constraint refuses it
    const results = await Promise.allSettled([
      inbox.insert(event(`${prefix}-b-1`), {}),
      inbox.insert(bad, {}),
      inbox.insert(event(`${prefix}-b-2`), {}),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const rows = await sql<{ id: string }[]>`select id from inbox_events where id like ${`${prefix}-b%`} order by id`;
    expect(rows.map((r) => r.id)).toEqual([`${prefix}-b-1`, `${prefix}-b-2`]);
  });

  it("stores a progress event settled, routed to its user's run (an invite's too); anything else pending for the signaller", async () => {
    const known = `${prefix}-known`;
    const external = `${prefix}-external`;
    await sql`insert into smile_users (smile_user_id, external_user_id) values (${known}, ${external})`;
    const invited = `${prefix}-invited`;
    await sql`insert into invites (request_id, external_user_id, smile_user_id) values (${prefix}, ${external}, ${invited})`;
    const of = (id: string, type: string, userId: string) =>
      smileInboxEvent({ id, version: 1, type, createdAt: '2026-01-01T00:00:00Z', data: { userId } });
    const inbox = createGroupCommit({ sql });
    const answers = await Promise.all([
      inbox.insert(of(`${prefix}-c-1`, 'EMPLOYMENTS_ADDED', known), {}),
      inbox.insert(of(`${prefix}-c-2`, 'ACCOUNT_CONNECTED', known), {}),
      inbox.insert(of(`${prefix}-c-3`, 'TASK_STARTED', `${prefix}-stranger`), {}),
      inbox.insert(of(`${prefix}-c-1`, 'EMPLOYMENTS_ADDED', known), {}),
      inbox.insert(of(`${prefix}-c-4`, 'INVITE_INVITED', invited), {}),
    ]);
    expect(answers).toEqual(['recorded', 'pending', 'orphan', 'duplicate', 'recorded']);
    const rows = await sql<{ id: string; state: string; verification_id: string | null }[]>`
      select id, state, verification_id from inbox_events where id like ${`${prefix}-c-%`} order by seq`;
    expect(rows).toEqual([
      { id: `${prefix}-c-1`, state: 'recorded', verification_id: verificationWorkflowId(external) },
      { id: `${prefix}-c-2`, state: 'pending', verification_id: null },
      { id: `${prefix}-c-3`, state: 'orphan', verification_id: null },
      { id: `${prefix}-c-4`, state: 'recorded', verification_id: verificationWorkflowId(external) },
    ]);
  });
});
