import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';

/**
 * Widget tokens: what a browser holds instead of an API key. Each is
 * bound to one verification id and the first run id of its run, expires with
 * the run (the widget-events route refuses it once that run closed or a newer
 * one started) and after 24 hours at the latest, and authorizes nothing but
 * `POST /v1/verifications/:id/widget-events` for that id. Signed (HMAC-SHA256)
 * with a key derived from PAYLOAD_ENCRYPTION_KEY by HKDF, so rotating that key
 * revokes every token and no second secret needs configuring.
 */
export const WIDGET_TOKEN_PREFIX = 'wt1.';
export const WIDGET_TOKEN_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export interface WidgetClaims {
  verificationId: string;
  runId: string;
  /** Milliseconds since the epoch. */
  expiresAt: number;
}

/** The signing key: HKDF-SHA256 of the payload key, for this purpose only. */
export function widgetTokenKey(payloadEncryptionKey: string): Buffer {
  return Buffer.from(
    hkdfSync('sha256', Buffer.from(payloadEncryptionKey, 'base64'), 'smile-verify', 'widget-token v1', 32),
  );
}

const sign = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest('base64url');

export function issueWidgetToken(
  key: Buffer,
  { verificationId, runId }: Omit<WidgetClaims, 'expiresAt'>,
  now = Date.now(),
): { token: string; expiresAt: string } {
  const expiresAt = now + WIDGET_TOKEN_MAX_AGE_MS;
  const body =
    WIDGET_TOKEN_PREFIX +
    Buffer.from(JSON.stringify({ v: verificationId, r: runId, e: expiresAt })).toString('base64url');
  return { token: `${body}.${sign(key, body)}`, expiresAt: new Date(expiresAt).toISOString() };
}

export const looksLikeWidgetToken = (value: string) => value.startsWith(WIDGET_TOKEN_PREFIX);

/** The claims of an authentic, unexpired token; undefined for anything else. */
export function readWidgetToken(key: Buffer, token: string, now = Date.now()): WidgetClaims | undefined {
  const dot = token.lastIndexOf('.');
  if (!looksLikeWidgetToken(token) || dot <= WIDGET_TOKEN_PREFIX.length) return undefined;
  const body = token.slice(0, dot);
  const presented = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = Buffer.from(sign(key, body), 'base64url');
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(body.slice(WIDGET_TOKEN_PREFIX.length), 'base64url').toString('utf8')) as {
      v?: unknown;
      r?: unknown;
      e?: unknown;
    };
    if (typeof claims.v !== 'string' || typeof claims.r !== 'string' || typeof claims.e !== 'number') return undefined;
    if (claims.e <= now || claims.e > now + WIDGET_TOKEN_MAX_AGE_MS) return undefined;
    return { verificationId: claims.v, runId: claims.r, expiresAt: claims.e };
  } catch {
    return undefined;
  }
}
