import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerKeyMatches } from '../../api/plugins/auth.js';

const keys = ['first-key-123', 'second-key-456'].map((k) => createHash('sha256').update(k).digest());

describe('bearer keys', () => {
  it('accepts any configured key', () => {
    expect(bearerKeyMatches('Bearer first-key-123', keys)).toBe(true);
    expect(bearerKeyMatches('bearer second-key-456', keys)).toBe(true);
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Bearer first-key-12',
    'Bearer first-key-1234',
    'Basic first-key-123',
    'first-key-123',
  ])('rejects %j', (header) => expect(bearerKeyMatches(header, keys)).toBe(false));
});
