import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { fail, ok, okEmpty, paginate } from '../envelope.js';
import type { SandboxState, SandboxWebhook } from '../state.js';
import { listQuery } from './query.js';

/**
 * Smile's WebhookPostRequest, relaxed where a sandbox should be: `name`,
 * `eventTypes` (default ALL_EVENTS), `active` (default true) and `secret`
 * (default: the sandbox's webhook secret) may be left out, and the URL may be http.
 */
const webhookRequest = z.object({
  name: z.string().min(1).max(200).default('Sandbox webhook'),
  url: z.url({ protocol: /^https?$/ }).max(500),
  eventTypes: z
    .array(z.string().regex(/^[A-Z_]+$/))
    .min(1)
    .default(['ALL_EVENTS']),
  active: z.boolean().default(true),
  includePayload: z.boolean().default(false),
  secret: z.string().min(1).max(64).optional(),
});

/** `GET|POST /webhooks`, `GET|DELETE /webhooks/:id`. */
const webhookRoutes: FastifyPluginAsync<{ state: SandboxState; webhookSecret: string }> = async (
  app,
  { state, webhookSecret },
) => {
  app.get('/webhooks', async (request) =>
    ok(paginate([...state.webhooks.values()], listQuery(request.query, ['size', 'cursor']))),
  );

  app.post('/webhooks', async (request, reply) => {
    const parsed = webhookRequest.safeParse(request.body ?? {});
    if (!parsed.success) {
      return fail(
        reply,
        'INVALID_PARAMETERS',
        parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
      );
    }
    const now = state.nowIso();
    const webhook: SandboxWebhook = {
      id: randomBytes(16).toString('hex'),
      createdAt: now,
      ...parsed.data,
      secret: parsed.data.secret ?? webhookSecret,
      updatedAt: now,
    };
    state.webhooks.set(webhook.id, webhook);
    return ok(webhook);
  });

  app.get('/webhooks/:id', async (request, reply) => {
    const webhook = state.webhooks.get((request.params as { id: string }).id);
    return webhook ? ok(webhook) : fail(reply, 'MISSING_RESOURCE', 'Webhook not found');
  });

  app.delete('/webhooks/:id', async (request, reply) => {
    if (!state.webhooks.delete((request.params as { id: string }).id))
      return fail(reply, 'MISSING_RESOURCE', 'Webhook not found');
    return okEmpty();
  });
};

export default webhookRoutes;
