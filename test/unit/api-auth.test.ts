import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { authorizationProblem, keyOfHeader, type Caller } from '../../api/plugins/auth.js';
import {
  issueWidgetToken,
  readWidgetToken,
  WIDGET_TOKEN_MAX_AGE_MS,
  widgetTokenKey,
} from '../../api/services/widget-token.js';

const keys = ['first-key-123', 'second-key-456'].map((secret, i) => ({
  name: `key-${i + 1}`,
  digest: createHash('sha256').update(secret).digest(),
}));

describe('bearer keys', () => {
  it('finds the key a header presents, by its secret', () => {
    expect(keyOfHeader('Bearer first-key-123', keys)?.name).toBe('key-1');
    expect(keyOfHeader('bearer second-key-456', keys)?.name).toBe('key-2');
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer first-key-12',
    'Bearer first-key-1234',
    'Basic first-key-123',
    'first-key-123',
  ])('finds none for %j', (header) => expect(keyOfHeader(header, keys)).toBeUndefined());
});

describe('scopes', () => {
  const reader: Caller = { kind: 'key', name: 'reader', scopes: ['verifications.read'] };
  const widget: Caller = { kind: 'widget', verificationId: 'verification-u1', runId: 'r1' };
  const write = { scope: 'verifications.write' as const };

  it('403 for a key without the scope, 401 without a key, nothing when the scope is there', () => {
    expect(authorizationProblem(reader, { scope: 'verifications.read' }, 'x')).toBeUndefined();
    expect(authorizationProblem(reader, write, 'x')?.status).toBe(403);
    expect(authorizationProblem({ kind: 'anonymous' }, write, 'x')?.status).toBe(401);
  });

  it('fails closed: a route that declares no scope admits no key', () => {
    const admin: Caller = { kind: 'key', name: 'admin', scopes: ['verifications.write', 'codec'] };
    expect(authorizationProblem(admin, undefined, 'x')?.status).toBe(403);
  });

  it('a widget token serves only widget routes of its own verification', () => {
    expect(authorizationProblem(widget, { ...write, widget: true }, 'verification-u1')).toBeUndefined();
    expect(authorizationProblem(widget, { ...write, widget: true }, 'verification-u2')?.status).toBe(403);
    expect(authorizationProblem(widget, write, 'verification-u1')?.status).toBe(401);
  });
});

describe('widget tokens', () => {
  const key = widgetTokenKey(Buffer.alloc(32, 3).toString('base64'));
  const claims = { verificationId: 'verification-u1', runId: 'run-1' };

  it('carry their verification and run, and expire within 24 hours', () => {
    const now = Date.now();
    const { token, expiresAt } = issueWidgetToken(key, claims, now);
    expect(readWidgetToken(key, token, now)).toEqual({ ...claims, expiresAt: now + WIDGET_TOKEN_MAX_AGE_MS });
    expect(Date.parse(expiresAt)).toBe(now + WIDGET_TOKEN_MAX_AGE_MS);
    expect(readWidgetToken(key, token, now + WIDGET_TOKEN_MAX_AGE_MS)).toBeUndefined();
  });

  it('are refused when altered, or signed with a key derived from another payload key', () => {
    const { token } = issueWidgetToken(key, claims);
    const [prefix, body, signature] = token.split('.') as [string, string, string];
    const forged = Buffer.from(JSON.stringify({ v: 'verification-u2', r: 'run-1', e: Date.now() + 1000 }));
    expect(readWidgetToken(key, `${prefix}.${forged.toString('base64url')}.${signature}`)).toBeUndefined();
    expect(readWidgetToken(key, `${prefix}.${body}.${signature.slice(1)}`)).toBeUndefined();
    const other = widgetTokenKey(Buffer.alloc(32, 4).toString('base64'));
    expect(readWidgetToken(other, token)).toBeUndefined();
  });
});
