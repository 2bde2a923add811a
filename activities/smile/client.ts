import type { z } from 'zod';
import { invalidResponse, networkFailure, smileFailure } from './errors.js';
import { createLimiter } from './limiter.js';
import {
  accountSchema,
  createUserDataSchema,
  dataItemSchema,
  envelopeSchema,
  errorEnvelopeSchema,
  pageSchema,
  tokenSchema,
  userSchema,
  type Page,
  type SmileDataItem,
} from './schemas.js';

export interface SmileClientOptions {
  /** Includes the version: `http://127.0.0.1:3100/v1` or `https://open-sandbox.smileapi.io/v1`. */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  timeoutMs?: number;
  requestsPerSecond?: number;
  fetch?: typeof globalThis.fetch;
}

export const DATA_RESOURCES = ['identities', 'employments', 'contributions', 'incomes', 'eincomes'] as const;
export type DataResource = (typeof DATA_RESOURCES)[number];

export interface DataFilter {
  userId: string;
  accountId?: string;
  /** eincomes only: `YYYY-MM`. */
  startMonth?: string;
  endMonth?: string;
}

/** Smile's largest page. */
const MAX_PAGE_SIZE = 150;

export type SmileClient = ReturnType<typeof createSmileClient>;

/** The Smile API client the activities use: Basic auth, envelopes, typed answers, retry-aware failures. */
export function createSmileClient({
  baseUrl,
  apiKey,
  apiSecret,
  timeoutMs = 10_000,
  requestsPerSecond = 20,
  fetch = globalThis.fetch,
}: SmileClientOptions) {
  const authorization = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
  const takeSlot = createLimiter(requestsPerSecond);

  async function call<T extends z.ZodType>(method: string, path: string, data: T, body?: unknown): Promise<z.infer<T>> {
    await takeSlot();
    let response: Response;
    try {
      response = await fetch(baseUrl.replace(/\/$/, '') + path, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw networkFailure(error);
    }
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = errorEnvelopeSchema.safeParse(json);
      if (!error.success) throw smileFailure(`HTTP_${response.status}`, response.status);
      throw smileFailure(error.data.code, response.status, error.data.requestId ?? undefined);
    }
    const parsed = envelopeSchema(data).safeParse(json);
    if (!parsed.success) throw invalidResponse(path.split('?')[0]!);
    return (parsed.data as { data: z.infer<T> }).data;
  }

  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams(
      Object.entries(params)
        .filter((e): e is [string, string | number] => e[1] !== undefined)
        .map(([k, v]) => [k, String(v)]),
    );
    return search.size ? `?${search}` : '';
  };

  async function listData(
    resource: DataResource,
    filter: DataFilter & { size?: number; cursor?: string | number },
  ): Promise<Page<SmileDataItem>> {
    const { userId, accountId, startMonth, endMonth, size = MAX_PAGE_SIZE, cursor } = filter;
    return call(
      'GET',
      `/${resource}${query({ userId, accountId, startMonth, endMonth, size, cursor })}`,
      pageSchema(dataItemSchema),
    );
  }

  /** Every item of a resource, page after page, following `nextCursor` until Smile gives none. */
  async function* iterateData(resource: DataResource, filter: DataFilter): AsyncGenerator<SmileDataItem> {
    let cursor: string | number | undefined;
    do {
      const page = await listData(resource, { ...filter, cursor });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && cursor !== '');
  }

  return {
    createUser: (externalMetadata?: Record<string, string>) =>
      call('POST', '/users', createUserDataSchema, externalMetadata ? { externalMetadata } : {}),
    createToken: (userId: string) => call('POST', `/tokens${query({ userId })}`, tokenSchema),
    getUser: (id: string) => call('GET', `/users/${encodeURIComponent(id)}`, userSchema),
    listAccounts: ({ userId }: { userId: string }) =>
      call('GET', `/accounts${query({ userId, size: MAX_PAGE_SIZE })}`, pageSchema(accountSchema)),
    listData,
    iterateData,
  };
}
