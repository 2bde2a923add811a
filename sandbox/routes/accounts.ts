import type { FastifyPluginAsync } from 'fastify';
import { fail, ok, okEmpty, paginate } from '../envelope.js';
import { disableMonitor, revoke } from '../link.js';
import type { SandboxState } from '../state.js';
import type { PendingEvent, WebhookDispatcher } from '../webhooks/dispatcher.js';
import { listQuery, overlaps } from './query.js';

/**
 * `GET /accounts?userId=`, `GET /accounts/:id`, `DELETE /accounts/:id` (revoke: the data goes,
 * ACCOUNT_DISCONNECTED), `POST /accounts/:id/disableMonitor` (no more continuous syncs).
 */
const accountRoutes: FastifyPluginAsync<{ state: SandboxState; dispatcher: WebhookDispatcher }> = async (
  app,
  { state, dispatcher },
) => {
  app.get('/accounts', async (request) => {
    const q = listQuery(request.query, ['size', 'cursor', 'userId', 'startDate', 'endDate']);
    const accounts = [...state.accounts.values()]
      .map((r) => r.account)
      .filter(
        (a) =>
          (q.userId === undefined || a.userId === q.userId) &&
          overlaps(a.createdAt.slice(0, 10), a.createdAt.slice(0, 10), q.startDate, q.endDate),
      );
    return ok(paginate(accounts, q));
  });

  app.get('/accounts/:id', async (request, reply) => {
    const record = state.accounts.get((request.params as { id: string }).id);
    return record ? ok(record.account) : fail(reply, 'MISSING_RESOURCE', 'Account not found');
  });

  app.delete('/accounts/:id', async (request, reply) => {
    const record = state.accounts.get((request.params as { id: string }).id);
    if (!record) return fail(reply, 'MISSING_RESOURCE', 'Account not found');
    if (record.account.connectionStatus !== 'DISCONNECTED') {
      const burst: PendingEvent[] = [];
      revoke(state, record, burst);
      dispatcher.publish(record.account.userId, burst);
    }
    return okEmpty();
  });

  // Smile's continuous data sync of the account stops: monitorStatus CUSTOMER_DISABLED.
  app.post('/accounts/:id/disableMonitor', async (request, reply) => {
    const record = state.accounts.get((request.params as { id: string }).id);
    if (!record) return fail(reply, 'MISSING_RESOURCE', 'Account not found');
    disableMonitor(state, record);
    return okEmpty();
  });
};

export default accountRoutes;
