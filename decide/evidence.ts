import { createHash } from 'node:crypto';
import type { EvaluationInput } from './types.js';

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units), no whitespace,
 * `undefined` members left out as JSON.stringify leaves them, arrays in their
 * order. The same value always gives the same string, whatever the key order it
 * was built or stored with (Postgres jsonb reorders keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${members.join(',')}}`;
}

/** sha256, hex, of the canonical JSON of exactly a decision's inputs: an auditor can recompute it. */
export function evidenceHash(input: EvaluationInput): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}
