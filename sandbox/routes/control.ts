import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fail, ok } from '../envelope.js';
import { faultsSchema, NO_FAULTS } from '../faults.js';
import { login, refresh, verifyMfa } from '../link.js';
import type { SandboxState } from '../state.js';
import { SANDBOX_PERSONAS } from '../users.js';
import type { PendingEvent, WebhookDispatcher } from '../webhooks/dispatcher.js';
import { linkCallbacks } from '../wink/callbacks.js';

const connectRequest = z.object({
  userToken: z.string().min(1),
  username: z.string().min(1).max(200),
  password: z.string().max(200),
  /** Leave out to skip the MFA screen (the right code is entered); a wrong one fails with INVALID_MFA. */
  mfaCode: z.string().max(20).optional(),
  providerId: z.string().min(1).max(100).optional(),
});

/** A monthly refresh's changes: both optional (an empty body refreshes with nothing changed). */
const syncRequest = z
  .object({
    endEmployment: z.boolean().optional(),
    employmentStartDate: z.iso.date().optional(),
    incomeFactor: z.number().positive().max(100).optional(),
  })
  .strict();
const accountParams = z.object({ accountId: z.string().min(1).max(200) });

/**
 * The sandbox's own controls under `/sandbox/v1` (no Basic auth: connect is
 * authenticated by the link token, as the widget is).
 */
const controlRoutes: FastifyPluginAsync<{ state: SandboxState; dispatcher: WebhookDispatcher }> = async (
  app,
  { state, dispatcher },
) => {
  /** What the Wink widget and Smile's back end do when a user logs in, without a browser. */
  app.post('/connect', async (request) => {
    const input = connectRequest.parse(request.body);
    const token = state.validToken(input.userToken);
    const burst: PendingEvent[] = [];
    const record = login(state, token.userId, input, burst);
    if (record.account.connectionStatus === 'AWAITING_MFA') {
      const persona = SANDBOX_PERSONAS.find((p) => p.key === record.personaKey)!;
      verifyMfa(state, record, input.mfaCode ?? persona.mfaCode, burst);
    }
    const events = dispatcher.publish(token.userId, burst);
    return ok({
      account: record.account,
      callbacks: linkCallbacks(state, record),
      events: events.map(({ id, type }) => ({ id, type })),
    });
  });

  /** Smile's continuous data sync of one account: changes its data, emits ACCOUNT_SYNC_TASK_FINISHED. */
  app.post('/accounts/:accountId/sync', async (request, reply) => {
    const { accountId } = accountParams.parse(request.params);
    const changes = syncRequest.parse(request.body ?? {});
    const record = state.accounts.get(accountId);
    if (!record) return fail(reply, 'MISSING_RESOURCE', 'Account not found');
    const burst: PendingEvent[] = [];
    refresh(state, record, changes, burst);
    const events = dispatcher.publish(record.account.userId, burst);
    return ok({ account: record.account, events: events.map(({ id, type }) => ({ id, type })) });
  });

  app.post('/faults', async (request) => {
    state.faults = faultsSchema.parse(request.body ?? {});
    return ok(state.faults);
  });

  app.delete('/faults', async () => {
    state.faults = { ...NO_FAULTS };
    return ok(state.faults);
  });

  /** Every event emitted (before faults), optionally for one user: what Smile would have sent. */
  app.get('/events', async (request) => {
    const { userId } = request.query as { userId?: string };
    return ok(state.events.filter((e) => userId === undefined || e.userId === userId));
  });

  /** The Smile API requests received (the last 10,000): when, and to which path. */
  app.get('/requests', async () => ok(state.requests));

  /** Every delivery attempt so far, with the receiver's status. */
  app.get('/deliveries', async () => ok(state.deliveries));
};

export default controlRoutes;
