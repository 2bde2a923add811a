import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchKey } from '../../db/search.js';
import { encodeCursor } from '../../api/schemas/search.js';
import type { SandboxPersona } from '../../sandbox/users.js';
import { ownDatabase } from '../support/database.js';
import * as journey from '../support/journeys.js';
import { auth, startStack, type Stack } from '../support/stack.js';

/** GET /v1/verifications (SPEC §3): keyset pages, filters, bad input; in a database of its own. */
let stack: Stack;
let database: Awaited<ReturnType<typeof ownDatabase>>;
const started: string[] = [];
beforeAll(async () => {
  database = await ownDatabase('search');
  stack = await startStack({ DATABASE_URL: database.url });
});
afterAll(async () => {
  // The runs left waiting for a connection end here, not at their journey.connect timeout.
  await Promise.all(
    started.map((id) =>
      stack.client.workflow
        .getHandle(id)
        .cancel()
        .catch(() => undefined),
    ),
  );
  await stack?.close();
  await database?.drop();
});

interface Item {
  verificationId: string;
  runId: string;
  externalUserId: string;
  status: string;
  decision: string | null;
  createdAt: string;
  updatedAt: string;
}
interface Page {
  items: Item[];
  nextCursor: string | null;
}

const search = (query: Record<string, string>) =>
  stack.app.inject({ method: 'GET', url: '/v1/verifications', query, headers: auth });

async function page(query: Record<string, string>): Promise<Page> {
  const response = await search(query);
  expect(response.statusCode, response.body).toBe(200);
  return response.json() as Page;
}

const policy = { connectTimeout: '5m', dataTimeout: '20s' };

async function start(name: string): Promise<string> {
  const { verificationId } = await journey.startVerification(stack, {
    externalUserId: journey.uniqueUser(name),
    policy,
  });
  started.push(verificationId);
  return verificationId;
}

describe('search', () => {
  it('pages of 10 through nextCursor list 25 runs newest first, each once, while new runs start between pages', async () => {
    const from = new Date().toISOString();
    const first: string[] = [];
    for (let i = 0; i < 25; i++) first.push(await start('search'));

    const seen: Item[] = [];
    let query: Record<string, string> = { createdAfter: from, limit: '10' };
    const sizes: number[] = [];
    const later: string[] = [];
    for (;;) {
      const { items, nextCursor } = await page(query);
      sizes.push(items.length);
      seen.push(...items);
      if (!nextCursor) break;
      // Newer runs sort before the cursor: the next page neither repeats nor skips because of them.
      later.push(await start('search-late'));
      query = { createdAfter: from, limit: '10', cursor: nextCursor };
    }
    expect(sizes).toEqual([10, 10, 5]);
    expect(seen.map((item) => item.verificationId)).toEqual([...first].reverse());
    expect(new Set(seen.map((item) => item.runId)).size).toBe(25);
    const created = seen.map((item) => item.createdAt);
    expect(created).toEqual([...created].sort().reverse());
    expect(seen[0]).toMatchObject({ status: 'AWAITING_CONNECTION', decision: null });

    // A walk from the top now finds the later ones first.
    const top = await page({ createdAfter: from, limit: '100' });
    expect(top.items.map((item) => item.verificationId)).toEqual([...later.reverse(), ...first.reverse()]);
    expect(top.nextCursor).toBeNull();
  });

  it('filters by decision, status, externalUserId and creation time', async () => {
    const from = new Date().toISOString();
    const decide = async (persona: SandboxPersona) => {
      const externalUserId = journey.uniqueUser(`search-${persona.key}`);
      const run = await journey.startVerification(stack, {
        externalUserId,
        applicant: { fullName: journey.SANDBOX_USERS.george.fullName },
        policy: { connectTimeout: '30s', dataTimeout: '20s' },
      });
      expect((await journey.connect(stack, run.link.userToken, persona)).status).toBeLessThan(300);
      return { externalUserId, doc: await journey.waitUntilClosed(stack, run.verificationId) };
    };
    const george = await decide(journey.SANDBOX_USERS.george);
    const christina = await decide(journey.SANDBOX_USERS.christina);
    expect([george.doc.decision?.outcome, christina.doc.decision?.outcome]).toEqual(['APPROVED', 'DECLINED']);
    const until = new Date().toISOString();
    const waiting = await start('search-after');

    const ids = (p: Page) => p.items.map((item) => item.verificationId);
    expect(ids(await page({ decision: 'APPROVED' }))).toEqual([george.doc.verificationId]);
    expect(ids(await page({ decision: 'DECLINED' }))).toEqual([christina.doc.verificationId]);
    expect(ids(await page({ status: 'COMPLETED' }))).toEqual([christina.doc.verificationId, george.doc.verificationId]);
    expect(ids(await page({ status: 'COMPLETED', decision: 'APPROVED' }))).toEqual([george.doc.verificationId]);
    const byUser = await page({ externalUserId: george.externalUserId });
    expect(byUser.items).toEqual([
      expect.objectContaining({
        verificationId: george.doc.verificationId,
        externalUserId: george.externalUserId,
        status: 'COMPLETED',
        decision: 'APPROVED',
      }),
    ]);
    expect(ids(await page({ createdAfter: from, createdBefore: until }))).toEqual([
      christina.doc.verificationId,
      george.doc.verificationId,
    ]);
    expect(ids(await page({ createdAfter: until }))).toEqual([waiting]);
    expect((await page({ status: 'AWAITING_CONNECTION', limit: '100' })).items).toHaveLength(started.length);
  });

  it('answers bad limits, cursors and dates with a 400 problem naming the field', async () => {
    const real = (await page({ limit: '1' })).nextCursor!;
    const tampered = real.slice(0, -2) + (real.endsWith('A') ? 'BB' : 'AA');
    const forged = encodeCursor({ createdAt: 'not a date', runId: 'x' } as SearchKey);
    for (const [query, field] of [
      [{ limit: '0' }, 'limit'],
      [{ limit: '101' }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ cursor: 'not-base64!' }, 'cursor'],
      [{ cursor: tampered }, 'cursor'],
      [{ cursor: forged }, 'cursor'],
      [{ cursor: Buffer.from('{"a":1}').toString('base64url') }, 'cursor'],
      [{ createdAfter: 'yesterday' }, 'createdAfter'],
      [{ createdBefore: '2026-13-01T00:00:00Z' }, 'createdBefore'],
      [{ status: 'DONE' }, 'status'],
      [{ decision: 'MAYBE' }, 'decision'],
      [{ externalUserId: 'a b' }, 'externalUserId'],
    ] as const) {
      const response = await search(query);
      expect(response.statusCode, JSON.stringify(query)).toBe(400);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.json().errors, JSON.stringify(query)).toContainEqual(
        expect.objectContaining({ path: `querystring.${field}` }),
      );
    }
    const openapi = (await stack.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    const operation = openapi.paths['/v1/verifications'].get;
    expect(operation.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining([
        'status',
        'decision',
        'externalUserId',
        'createdAfter',
        'createdBefore',
        'limit',
        'cursor',
      ]),
    );
    expect(operation.responses['200'].content['application/json'].schema.properties).toHaveProperty('nextCursor');
  });
});
