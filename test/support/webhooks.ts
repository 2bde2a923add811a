import { createHmac, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

export const WEBHOOK_SECRET = 'sandbox-webhook-secret';

export const smileSignature = (body: string | Buffer, secret = WEBHOOK_SECRET) => createHmac('sha512', secret).update(body).digest('hex');

export function smileEvent(type: string, data: Record<string, unknown>, id = `et-${randomUUID().replaceAll('-', '')}`) {
  return { id, version: 1, type, createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), data };
}

/** Posts a body to /webhooks/smile, signed unless told otherwise. */
export function postWebhook(app: FastifyInstance, body: unknown, { signature, contentType = 'application/json' }: { signature?: string | null; contentType?: string } = {}) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': contentType };
  const sig = signature === undefined ? smileSignature(raw) : signature;
  if (sig !== null) headers['smile-signature'] = sig;
  return app.inject({ method: 'POST', url: '/webhooks/smile', headers, payload: raw });
}
