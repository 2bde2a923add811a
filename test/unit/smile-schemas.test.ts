import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { z } from 'zod';
import {
  accountSchema,
  createUserDataSchema,
  dataItemSchema,
  apiEnvelopeSchema,
  pageSchema,
  tokenSchema,
  userSchema,
  webhookSchema,
} from '../../smile/index.js';

/** The spec's own response examples (openapi-v1.yaml, v1.14.0), parsed with the client's schemas. */
const spec = parse(await readFile(new URL('../fixtures/sandbox/openapi-v1.yaml', import.meta.url), 'utf8')) as {
  paths: Record<
    string,
    Record<
      string,
      { responses?: Record<string, { content?: Record<string, { examples?: Record<string, { value: unknown }> }> }> }
    >
  >;
};

function examples(path: string, method: string, status: string): unknown[] {
  const content = spec.paths[path]?.[method]?.responses?.[status]?.content?.['application/json'];
  return Object.values(content?.examples ?? {}).map((example) => example.value);
}

const cases: [string, string, string, z.ZodType][] = [
  ['/users', 'get', '200', pageSchema(userSchema)],
  ['/tokens', 'post', '201', tokenSchema],
  ['/accounts', 'get', '200', pageSchema(accountSchema)],
  ['/identities', 'get', '200', pageSchema(dataItemSchema)],
  ['/employments', 'get', '200', pageSchema(dataItemSchema)],
  ['/contributions', 'get', '200', pageSchema(dataItemSchema)],
  ['/incomes', 'get', '200', pageSchema(dataItemSchema)],
  ['/eincomes', 'get', '200', pageSchema(dataItemSchema)],
  ['/webhooks', 'get', '200', pageSchema(webhookSchema)],
];

describe("the Smile schemas parse the spec's own examples", () => {
  it.each(cases)('%s %s %s', (path, method, status, data) => {
    const values = examples(path, method, status);
    expect(values.length, `${method} ${path} has examples`).toBeGreaterThan(0);
    for (const value of values) expect(apiEnvelopeSchema(data).safeParse(value).error).toBeUndefined();
  });

  it('parses a create-user answer shaped as the spec describes it', () => {
    const value = {
      user: { id: 'tenantId-1', externalMetadata: null, createdAt: '2021-04-14T09:30:24Z', providers: [] },
      token: examples('/tokens', 'post', '201').map((e) => (e as { data: unknown }).data)[0],
    };
    expect(createUserDataSchema.safeParse(value).success).toBe(true);
  });

  it('refuses what the client depends on being there', () => {
    expect(tokenSchema.safeParse({ expiresAt: '2021-04-14T09:30:24Z', mode: 'SANDBOX' }).success).toBe(false);
    expect(pageSchema(dataItemSchema).safeParse({ items: [{ fullName: 'no id' }] }).success).toBe(false);
  });
});
