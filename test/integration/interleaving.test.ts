import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { erasureWorkflow } from '../../workflows/erasure.js';
import { verificationWorkflowId } from '../../workflows/ids.js';
import { CLOSED_STATUSES, type StatusDocument } from '../../workflows/types.js';
import { connect, SANDBOX_USERS, uniqueUser } from '../support/journeys.js';
import { auth, smileSandboxRequest, useStack } from '../support/stack.js';

/**
 * One user, many rounds of concurrent commands in random order and timing:
 * starts, cancels, reviews, monitor ends, disconnects, syncs and erasures.
 * After each round the user's one actor must have kept them apart: at most one
 * run open (deciding, in review or monitoring), and it is the newest; nothing
 * of a run written after an erasure that began after the run finished; every
 * acknowledged command answered as its status code promised.
 */
const stack = useStack();

const ROUNDS = 12;
const SEED = Number(process.env.INTERLEAVING_SEED ?? Date.now() % 1_000_000);

/** mulberry32: a small seeded generator, so a failing order can be replayed with INTERLEAVING_SEED. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const policy = {
  connectTimeout: '2m',
  dataTimeout: '20s',
  monitor: { enabled: true, duration: '30d' },
  review: { enabled: true, timeout: '1h' },
};
/** George is APPROVED (then monitored), Ryan is REVIEW (then in review until a reviewer answers). */
const personas = [SANDBOX_USERS.george, SANDBOX_USERS.ryan];

type Command = 'start' | 'cancel' | 'review' | 'endMonitor' | 'disconnect' | 'sync' | 'erase';
const COMMANDS: Command[] = ['start', 'cancel', 'review', 'endMonitor', 'disconnect', 'sync', 'erase'];

/**
 * The answers each command may give; anything else (a 5xx above all) breaks the
 * contract. Disconnects and syncs are Smile's (the sandbox's) answers: a revoked
 * account is gone (MISSING_RESOURCE, 400), one whose sync is off refuses (409).
 */
const ALLOWED: Record<Command, number[]> = {
  start: [200, 201, 409],
  cancel: [202, 404, 409],
  review: [200, 404, 409],
  endMonitor: [202, 404],
  disconnect: [200, 204, 404],
  sync: [200, 400, 404, 409],
  erase: [202, 404],
};

interface Answer {
  command: Command;
  status: number;
  body: Record<string, unknown>;
  retryAfter?: string;
}

interface RunRow {
  run_id: string;
  status: string;
  status_document: StatusDocument;
  created_at: Date;
  updated_at: Date;
}

describe('one user, one actor', () => {
  it(`keeps ${ROUNDS} rounds of concurrent commands apart (seed ${SEED})`, { timeout: 600_000 }, async () => {
    const rand = random(SEED);
    const pick = <T>(items: readonly T[]) => items[Math.floor(rand() * items.length)]!;
    const externalUserId = uniqueUser('interleaving');
    const id = verificationWorkflowId(externalUserId);
    const inject = async (command: Command, method: 'POST' | 'DELETE', url: string, payload?: object) => {
      const response = await stack.app.inject({ method, url, headers: auth, ...(payload ? { payload } : {}) });
      return {
        command,
        status: response.statusCode,
        body: response.json() as Record<string, unknown>,
        retryAfter: response.headers['retry-after'] as string | undefined,
      };
    };
    const sandbox = async (command: Command, method: string, path: string, body?: object): Promise<Answer> => {
      const response = await fetch(`${stack.sandboxUrl}${path}`, {
        method,
        headers: body ? { 'content-type': 'application/json' } : {},
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      return { command, status: response.status, body: {} };
    };
    const start = (persona: (typeof personas)[number]) =>
      inject('start', 'POST', '/v1/verifications', {
        externalUserId,
        applicant: { fullName: persona.fullName },
        policy,
      });
    let accountId: string | undefined;
    const run = (command: Command): Promise<Answer> => {
      switch (command) {
        case 'start':
          return start(pick(personas));
        case 'cancel':
          return inject('cancel', 'POST', `/v1/verifications/${id}/cancel`);
        case 'review':
          return inject('review', 'POST', `/v1/verifications/${id}/review`, {
            outcome: 'APPROVED',
            reviewer: 'ops@example.com',
          });
        case 'endMonitor':
          return inject('endMonitor', 'DELETE', `/v1/verifications/${id}/monitor`);
        case 'disconnect':
          // The user withdraws consent at Smile: the account is revoked and ACCOUNT_DISCONNECTED sent.
          return accountId
            ? smileSandboxRequest(stack.sandboxUrl, 'DELETE', `/v1/accounts/${accountId}`).then(
                () => ({ command, status: 200, body: {} }),
                () => ({ command, status: 404, body: {} }),
              )
            : Promise.resolve({ command, status: 404, body: {} });
        case 'sync':
          return accountId
            ? sandbox('sync', 'POST', `/sandbox/v1/accounts/${accountId}/sync`, { incomeFactor: 1 })
            : Promise.resolve({ command, status: 404, body: {} });
        case 'erase':
          return inject('erase', 'DELETE', `/v1/verifications/${id}/data`);
      }
    };
    const runs = () =>
      stack.sql<RunRow[]>`
        select run_id, status, status_document, created_at, updated_at from verifications
        where verification_id = ${id} order by created_at`.then((rows) => [...rows]);
    const erasureFinished = async () => {
      const [row] = await stack.sql<{ finished_at: Date | null }[]>`
        select finished_at from user_erasures where external_user_id = ${externalUserId}`;
      return !row || row.finished_at !== null;
    };

    for (let round = 1; round <= ROUNDS; round++) {
      const context = `seed ${SEED}, round ${round}`;
      // A run to act on: a start during an erasure is refused with Retry-After until it has finished.
      const persona = personas[round % personas.length]!;
      let opened = await start(persona);
      for (let tries = 0; opened.status === 409 && tries < 120; tries++) {
        expect(opened.retryAfter, context).toBeDefined();
        await sleep(250);
        opened = await start(persona);
      }
      expect([200, 201], `${context}: ${JSON.stringify(opened.body)}`).toContain(opened.status);
      const token = (opened.body.link as { userToken: string }).userToken;
      accountId = undefined;
      // The account is linked in the background: commands land before, during and after the decision.
      const linking = connect(stack, token, persona).then((linked) => {
        const account = (linked.body as { data?: { account?: { id: string } } }).data?.account;
        accountId = account?.id;
      });
      await sleep(rand() * 1_500);
      const commands = Array.from({ length: 3 + Math.floor(rand() * 3) }, () => pick(COMMANDS));
      const answers = await Promise.all(
        commands.map(async (command) => {
          await sleep(rand() * 400);
          return run(command);
        }),
      );
      await linking;

      // Every command answered within the contract, never with a 5xx.
      for (const answer of answers)
        expect(ALLOWED[answer.command], `${context}: ${answer.command} ${JSON.stringify(answer.body)}`).toContain(
          answer.status,
        );
      for (const answer of answers.filter((a) => a.command === 'start' && a.status === 409))
        expect(answer.retryAfter, context).toBeDefined();

      // An accepted erasure finishes; until it has, no start is accepted (checked above by the 409s).
      const erasures = answers.filter((a) => a.command === 'erase' && a.status === 202);
      for (const erasure of erasures) {
        const handle = stack.client.workflow.getHandle<typeof erasureWorkflow>(erasure.body.erasureId as string);
        await handle.result();
      }
      for (let tries = 0; !(await erasureFinished()) && tries < 200; tries++) await sleep(100);
      expect(await erasureFinished(), context).toBe(true);
      const afterErasure = await runs();

      // Quiet: the open run, if any, is waiting (for a connection, a reviewer or a sync), its stored document current.
      await sleep(1_000);
      const rows = await runs();
      const open = rows.filter(
        (row) =>
          !CLOSED_STATUSES.includes(row.status as StatusDocument['status']) ||
          row.status_document.monitoring?.status === 'ACTIVE',
      );
      expect(open.length, `${context}: open runs ${open.map((r) => r.run_id).join(', ')}`).toBeLessThanOrEqual(1);
      const description = await stack.client.workflow.getHandle(id).describe();
      if (open.length === 1) {
        // The one open run is the newest, and it is the workflow Temporal runs for the user.
        expect(open[0]!.run_id, context).toBe(rows.at(-1)!.run_id);
        expect(description.status.name, context).toBe('RUNNING');
      } else {
        expect(description.status.name, context).not.toBe('RUNNING');
      }
      // Every accepted start named a run that exists.
      for (const answer of answers.filter((a) => a.command === 'start' && a.status < 300))
        expect(
          rows.map((row) => row.run_id),
          context,
        ).toContain(answer.body.runId);
      expect(
        rows.map((row) => row.run_id),
        context,
      ).toContain(opened.body.runId);

      // Nothing of a run that an erasure covered is written after that erasure finished.
      const [erasure] = await stack.sql<{ requested_at: Date; finished_at: Date }[]>`
        select requested_at, finished_at from user_erasures where external_user_id = ${externalUserId}`;
      if (erasure && erasures.length > 0) {
        const covered = rows.filter((row) => row.created_at < erasure.requested_at);
        // A sync attempt of the erased account: Smile refuses it (revoked), and nothing is written here.
        if (accountId) await sandbox('sync', 'POST', `/sandbox/v1/accounts/${accountId}/sync`, { incomeFactor: 1 });
        await sleep(500);
        const after = await runs();
        for (const row of covered) {
          const then = afterErasure.find((r) => r.run_id === row.run_id)!;
          const now = after.find((r) => r.run_id === row.run_id)!;
          expect(now.status_document, `${context}: run ${row.run_id}`).toEqual(then.status_document);
        }
        const coveredIds = covered.map((r) => r.run_id);
        const [late] = await stack.sql<{ decisions: number; monitors: number }[]>`
          select (select count(*)::int from decisions
                   where run_id = any(${coveredIds}) and evaluated_at > ${erasure.finished_at}) as decisions,
                 (select count(*)::int from monitors
                   where run_id = any(${coveredIds}) and updated_at > ${erasure.finished_at}) as monitors`;
        expect(late, context).toEqual({ decisions: 0, monitors: 0 });
        // Data is written again only for a run that started after the erasure finished.
        if (!after.some((row) => row.created_at > erasure.finished_at)) {
          const [data] = await stack.sql<{ n: number }[]>`
            select count(*)::int as n from datapoints
            where smile_user_id = any(${covered.map((r) => r.status_document.smileUserId ?? '')})`;
          expect(data!.n, `${context}: datapoints after the erasure`).toBe(0);
        }
      }
    }

    // Whatever is still open ends cleanly: a start hands it over, an erasure ends the last one.
    const last = await run('erase');
    expect(last.status).toBe(202);
    await stack.client.workflow.getHandle<typeof erasureWorkflow>(last.body.erasureId as string).result();
    const closed = await stack.client.workflow.getHandle(id).describe();
    expect(closed.status.name).not.toBe('RUNNING');
  });
});
