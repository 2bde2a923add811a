import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyInstance } from 'fastify';
import type { Sql } from '../../db/client.js';

export const WEBHOOK_SECRET = 'sandbox-webhook-secret';

export const smileSignature = (body: string | Buffer, secret = WEBHOOK_SECRET) =>
  createHmac('sha512', secret).update(body).digest('hex');

export function smileEvent(type: string, data: Record<string, unknown>, id = `et-${randomUUID().replaceAll('-', '')}`) {
  return { id, version: 1, type, createdAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'), data };
}

/** Posts a body to /webhooks/smile, signed unless told otherwise. */
export function postWebhook(
  app: FastifyInstance,
  body: unknown,
  { signature, contentType = 'application/json' }: { signature?: string | null; contentType?: string } = {},
) {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': contentType };
  const sig = signature === undefined ? smileSignature(raw) : signature;
  if (sig !== null) headers['smile-signature'] = sig;
  return app.inject({ method: 'POST', url: '/webhooks/smile', headers, payload: raw });
}

/** An inbox event's state once the route's signal, which follows its 200, has settled (or 5 s passed). */
export async function settledState(sql: Sql, id: string): Promise<string | undefined> {
  let state: string | undefined = 'pending';
  for (let i = 0; i < 50 && state === 'pending'; i++) {
    state = (await sql<{ state: string }[]>`select state from inbox_events where id = ${id}`)[0]?.state;
    if (state === 'pending') await sleep(100);
  }
  return state;
}
