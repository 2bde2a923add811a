import type { FastifyPluginAsync } from 'fastify';
import { fail, ok, paginate } from '../envelope.js';
import { listQuery } from './query.js';
import type { SandboxState, SandboxToken } from '../state.js';
import type { WebhookDispatcher } from '../webhooks/dispatcher.js';

const publicToken = ({ id, expiresAt, mode, accessToken }: SandboxToken) => ({ id, expiresAt, mode, accessToken });

/** Smile's ObjectExternalMetadata: at most 5 string values, keys ≤ 50 and values ≤ 500 characters. */
function validMetadata(metadata: unknown): metadata is Record<string, string> | null | undefined {
  if (metadata === undefined || metadata === null) return true;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return false;
  const entries = Object.entries(metadata);
  return entries.length <= 5 && entries.every(([k, v]) => k.length <= 50 && typeof v === 'string' && v.length <= 500);
}

/**
 * `POST /users` (a user and its first link token, USER_CREATED), `GET /users` (oldest first, filtered by
 * creation date), `GET /users/:id`, `POST /tokens?userId=`.
 */
const userRoutes: FastifyPluginAsync<{ state: SandboxState; dispatcher: WebhookDispatcher }> = async (
  app,
  { state, dispatcher },
) => {
  app.post('/users', async (request, reply) => {
    const { externalMetadata } = (request.body ?? {}) as { externalMetadata?: unknown };
    if (!validMetadata(externalMetadata)) {
      return fail(reply, 'INVALID_PARAMETERS', 'externalMetadata must be an object of at most 5 strings');
    }
    const user = state.createUser(externalMetadata ?? null);
    const token = publicToken(state.issueToken(user.id));
    dispatcher.publish(user.id, [{ type: 'USER_CREATED', data: { userId: user.id } }]);
    return reply.code(201).send(ok({ user, token }));
  });

  app.get('/users', async (request) => {
    const query = listQuery(request.query, ['size', 'cursor', 'startDate', 'endDate']);
    const created = (user: { createdAt: string }) => user.createdAt.slice(0, 10);
    const users = [...state.users.values()]
      .filter(
        (user) =>
          (query.startDate === undefined || created(user) >= query.startDate) &&
          (query.endDate === undefined || created(user) <= query.endDate),
      )
      .map((user) => ({ ...user, externalMetadata: user.externalMetadata ?? {} }));
    return ok(paginate(users, query));
  });

  app.get('/users/:id', async (request, reply) => {
    const user = state.users.get((request.params as { id: string }).id);
    return user ? ok(user) : fail(reply, 'MISSING_RESOURCE', 'User not found');
  });

  app.post('/tokens', async (request, reply) => {
    const { userId } = request.query as { userId?: unknown };
    if (typeof userId !== 'string' || userId.length === 0 || userId.length > 200)
      return fail(reply, 'INVALID_PARAMETERS', 'userId is required');
    if (!state.users.has(userId) || state.faults.failTokenRefresh)
      return fail(reply, 'MISSING_RESOURCE', 'User not found');
    return reply.code(201).send(ok(publicToken(state.issueToken(userId))));
  });
};

export default userRoutes;
