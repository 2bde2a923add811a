import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client.js';
import { smileInboxEvent } from '../../db/inbox.js';
import { createGroupCommit } from '../../api/inbox/group-commit.js';

/** A stand-in for postgres.js that records each insert statement and inserts ids it has not seen. */
function fakeDb({ refuse }: { refuse?: string } = {}) {
  const stored = new Set<string>();
  const statements: string[][] = [];
  const tag = (_strings: TemplateStringsArray, values: { id: string }[]) => {
    const ids = values.map((v) => v.id);
    statements.push(ids);
    if (refuse && ids.includes(refuse)) return Promise.reject(Object.assign(new Error('bad row'), { code: '22P05' }));
    const inserted = ids.filter((id) => !stored.has(id) && (stored.add(id), true));
    return Promise.resolve(inserted.map((id) => ({ id })));
  };
  const sql = Object.assign(
    (first: TemplateStringsArray | unknown, ...rest: unknown[]) =>
      Array.isArray(first) && 'raw' in first ? tag(first as TemplateStringsArray, rest[0] as { id: string }[]) : first,
    { json: (value: unknown) => value },
  );
  return { sql: sql as unknown as Db, statements };
}

const event = (id: string) =>
  smileInboxEvent({ id, version: 1, type: 'TASK_STARTED', createdAt: '2026-01-01T00:00:00Z', data: { userId: 'u-1' } });

describe('group commit', () => {
  it('commits concurrent requests in a few multi-row statements, each answered for its own row', async () => {
    const { sql, statements } = fakeDb();
    const inbox = createGroupCommit({ sql });
    const ids = Array.from({ length: 100 }, (_, i) => `et-${i % 60}`);
    const answers = await Promise.all(ids.map((id) => inbox.insert(event(id), {})));
    expect(statements.length).toBeLessThan(5);
    expect(statements.flat()).toHaveLength(100);
    expect(answers.filter((a) => a === 'inserted')).toHaveLength(60);
    // The first request of a repeated id is the new one.
    expect(answers.slice(0, 60).every((a) => a === 'inserted')).toBe(true);
  });

  it('a row the database refuses fails only its own request', async () => {
    const { sql } = fakeDb({ refuse: 'et-bad' });
    const inbox = createGroupCommit({ sql });
    const results = await Promise.allSettled(['et-a', 'et-bad', 'et-b'].map((id) => inbox.insert(event(id), {})));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });
});
