import type { FastifyPluginAsync } from 'fastify';
import { fail, ok } from '../envelope.js';
import type { SandboxState, SandboxToken } from '../state.js';

const publicToken = ({ id, expiresAt, mode, accessToken }: SandboxToken) => ({ id, expiresAt, mode, accessToken });

/** `POST /users` (a user and its first link token) and `POST /tokens?userId=` (a fresh token). */
const userRoutes: FastifyPluginAsync<{ state: SandboxState }> = async (app, { state }) => {
  app.post('/users', async (request, reply) => {
    const body = (request.body ?? {}) as { externalMetadata?: unknown };
    const metadata = body.externalMetadata;
    const valid =
      metadata === undefined ||
      metadata === null ||
      (typeof metadata === 'object' && !Array.isArray(metadata) && Object.values(metadata).every((v) => typeof v === 'string'));
    if (!valid) return fail(reply, 'INVALID_PARAMETERS', 'externalMetadata must be an object of strings');
    const user = state.createUser((metadata as Record<string, string> | undefined) ?? null);
    return reply.code(201).send(ok({ user, token: publicToken(state.issueToken(user.id)) }));
  });

  app.get('/users/:id', async (request, reply) => {
    const user = state.users.get((request.params as { id: string }).id);
    return user ? ok(user) : fail(reply, 'MISSING_RESOURCE', 'User not found');
  });

  app.post('/tokens', async (request, reply) => {
    const { userId } = request.query as { userId?: string };
    if (!userId || userId.length > 200) return fail(reply, 'INVALID_PARAMETERS', 'userId is required');
    if (!state.users.has(userId)) return fail(reply, 'MISSING_RESOURCE', 'User not found');
    return reply.code(201).send(ok(publicToken(state.issueToken(userId))));
  });
};

export default userRoutes;
