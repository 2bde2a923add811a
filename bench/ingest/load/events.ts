import { createHmac } from 'node:crypto';
import { GEORGE_CONNECT_EVENTS } from '../../../sandbox/users.js';
import { SIGNALLED_SMILE_EVENTS } from '../../../workflows/messages.js';
import type { Mix } from './types.js';

/**
 * A signed envelope shaped like Smile's for one user. One account id throughout,
 * so the waiting workflows' state does not grow.
 */
export function signedEvent(
  secret: string,
  id: string,
  smileUserId: string,
  type: string,
): { body: string; signature: string } {
  const body = JSON.stringify({
    id,
    version: 1,
    type,
    createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    data: { userId: smileUserId, accountId: 'a-bench', providerId: 'sss_ph' },
  });
  return { body, signature: createHmac('sha512', secret).update(body).digest('hex') };
}

/**
 * The types each user receives in turn, per mix. `signalled`: ACCOUNT_CREATED, a
 * type the route signals. `progress`: the types it records and does not signal.
 * `sync`: one account's connect and first sync as Smile sends them (George's in the
 * sandbox: ACCOUNT_CREATED, ACCOUNT_CONNECTED, TASK_STARTED, five `*_ADDED`, TASK_FINISHED),
 * 3 of 9 signalled; the signalled three go as ACCOUNT_CREATED, which keeps the
 * workflows waiting (a real ACCOUNT_CONNECTED and TASK_FINISHED would move them on
 * and end the experiment).
 */
export const MIXES: Record<Mix, readonly string[]> = {
  signalled: ['ACCOUNT_CREATED'],
  progress: ['TASK_STARTED', 'IDENTITY_ADDED', 'EMPLOYMENTS_ADDED', 'CONTRIBUTIONS_ADDED', 'INCOMES_ADDED'],
  sync: GEORGE_CONNECT_EVENTS.map((type) => (SIGNALLED_SMILE_EVENTS.has(type) ? 'ACCOUNT_CREATED' : type)),
};

/** Request `i` of a run: user `i mod users`, and that user's next type in the mix. */
export function nthEvent(
  job: { secret: string; prefix: string; smileUserIds: string[]; mix: Mix },
  i: number,
): { body: string; signature: string } {
  const users = job.smileUserIds.length;
  const types = MIXES[job.mix];
  const type = types[Math.floor(i / users) % types.length]!;
  return signedEvent(job.secret, `${job.prefix}-${i}`, job.smileUserIds[i % users]!, type);
}
