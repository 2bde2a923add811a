import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fail, ok } from '../envelope.js';
import { faultsSchema, NO_FAULTS } from '../faults.js';
import { login, refresh, verifyMfa } from '../link.js';
import { notAPayslip, payslipInput, personaPayslips, uploadPayslips } from '../uploads.js';
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

const inviteLinkRequest = connectRequest.omit({ userToken: true });
const inviteParams = z.object({ inviteId: z.string().min(1).max(200) });

/**
 * What the widget's upload screen sends: the payslips themselves, or a persona's
 * (agreeing with its payroll unless `inconsistentPayslips` is set), or a file that is no payslip.
 */
const uploadRequest = z
  .strictObject({
    userToken: z.string().min(1),
    payslips: z.array(payslipInput).max(100).optional(),
    persona: z.enum(['george', 'ryan', 'christina', 'anisha', 'maria']).optional(),
    count: z.number().int().min(1).max(100).default(6),
    notAPayslip: z.boolean().default(false),
    /** A file Smile cannot read at all: ARCHIVE_FAILED. */
    unreadableFile: z.boolean().default(false),
  })
  .refine((r) => [r.payslips, r.persona, r.notAPayslip, r.unreadableFile].filter(Boolean).length === 1, {
    message: 'give exactly one of payslips, persona, notAPayslip or unreadableFile',
    path: ['payslips'],
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

  /** What the invite's landing page and the widget do when the invited user logs in: INVITE_LINKED, then the data. */
  app.post('/invites/:inviteId/link', async (request, reply) => {
    const { inviteId } = inviteParams.parse(request.params);
    const input = inviteLinkRequest.parse(request.body);
    const invite = state.invites.get(inviteId);
    if (!invite || invite.status === 'REVOKED') return fail(reply, 'MISSING_RESOURCE', 'Invite not found');
    const burst: PendingEvent[] = [];
    const record = login(state, invite.userId, input, burst);
    if (record.account.connectionStatus === 'AWAITING_MFA') {
      const persona = SANDBOX_PERSONAS.find((p) => p.key === record.personaKey)!;
      verifyMfa(state, record, input.mfaCode ?? persona.mfaCode, burst);
    }
    const events = dispatcher.publish(invite.userId, burst);
    return ok({ invite, account: record.account, events: events.map(({ id, type }) => ({ id, type })) });
  });

  /** What the widget's upload screen and Smile's extraction do: PAYSLIP archives, ARCHIVE_* and TASK_FINISHED. */
  app.post('/uploads', async (request, reply) => {
    const input = uploadRequest.parse(request.body);
    const token = state.validToken(input.userToken);
    const persona = SANDBOX_PERSONAS.find((p) => p.key === input.persona);
    const payslips =
      input.payslips ??
      (persona
        ? personaPayslips(state, persona, input.count)
        : [{ ...notAPayslip(state), unreadable: input.unreadableFile }]);
    if (payslips.length === 0) return fail(reply, 'INVALID_PARAMETERS', `${input.persona} has no payslips`);
    const burst: PendingEvent[] = [];
    const archives = uploadPayslips(state, token.userId, payslips, burst);
    const events = dispatcher.publish(token.userId, burst);
    return ok({
      archives: archives.map((r) => r.archive),
      events: events.map(({ id, type }) => ({ id, type })),
    });
  });

  /** Smile's continuous data sync of one account: changes its data, emits ACCOUNT_SYNC_TASK_FINISHED. */
  app.post('/accounts/:accountId/sync', async (request, reply) => {
    const { accountId } = accountParams.parse(request.params);
    const changes = syncRequest.parse(request.body ?? {});
    const record = state.accounts.get(accountId);
    if (!record) return fail(reply, 'MISSING_RESOURCE', 'Account not found');
    // Smile runs no sync of an account whose monitor the customer disabled.
    if (record.account.monitorStatus === 'CUSTOMER_DISABLED')
      return reply.code(409).send({
        code: 'MONITOR_DISABLED',
        message: `Account ${accountId} has monitorStatus CUSTOMER_DISABLED: no sync runs`,
        requestId: randomUUID(),
      });
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
