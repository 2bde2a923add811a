import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fail, ok, paginate } from '../envelope.js';
import { createInvite } from '../invites.js';
import type { SandboxState } from '../state.js';
import type { WebhookDispatcher, PendingEvent } from '../webhooks/dispatcher.js';
import { listQuery } from './query.js';

/** Smile's InvitePostRequest: `fullName`, `email` and `templateId` required, the lengths its schema gives. */
const invitePost = z.object({
  fullName: z.string().min(1).max(200),
  firstName: z.string().min(1).max(64).optional(),
  lastName: z.string().min(1).max(64).optional(),
  email: z.string().min(1).max(200).email(),
  templateId: z.string().min(1).max(64),
  winkTemplateId: z.string().min(1).max(64).optional(),
});

/** Where the sandbox is reached from (the landing page link points back at it). */
function baseUrl(request: { protocol: string; headers: { host?: string | undefined } }): string {
  return `${request.protocol}://${request.headers.host ?? '127.0.0.1:3100'}`;
}

/** `POST /invites` (a user, USER_CREATED, INVITE_INVITED), `GET /invites?userId=`, `GET /invites/:id`. */
const inviteRoutes: FastifyPluginAsync<{ state: SandboxState; dispatcher: WebhookDispatcher }> = async (
  app,
  { state, dispatcher },
) => {
  app.post('/invites', async (request, reply) => {
    const input = invitePost.parse(request.body ?? {});
    const burst: PendingEvent[] = [];
    const invite = createInvite(state, input, baseUrl(request), burst);
    dispatcher.publish(invite.userId, burst);
    return reply.code(201).send(ok(invite));
  });

  app.get('/invites', async (request) => {
    const query = listQuery(request.query, ['size', 'cursor', 'userId']);
    const invites = [...state.invites.values()].filter((i) => query.userId === undefined || i.userId === query.userId);
    return ok(paginate(invites, query));
  });

  app.get('/invites/:id', async (request, reply) => {
    const invite = state.invites.get((request.params as { id: string }).id);
    return invite ? ok(invite) : fail(reply, 'MISSING_RESOURCE', 'Invite not found');
  });
};

export default inviteRoutes;
