import { inSpan, SpanKind } from '../runtime/tracing.js';
import { z } from 'zod';
import { invalidResponse, networkFailure, smileFailure } from './errors.js';
import { createLimiter, type Limiter, type Priority } from './limiter.js';
import { endpointOf, NO_OBSERVER, outcomeOf, type SmileRequestObserver } from './observer.js';
import {
  accountSchema,
  createUserDataSchema,
  dataItemSchema,
  apiEnvelopeSchema,
  errorEnvelopeSchema,
  pageSchema,
  inviteSchema,
  archiveSchema,
  payslipPredictionSchema,
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
  /** The in-process limit when no shared `limiter` is given. */
  requestsPerSecond?: number;
  /** Waits for each request's turn; workers pass the limiter they share (`createSharedLimiter`). */
  limiter?: Limiter;
  /** The calling activity's cancellation and deadline, read at each request (`activityCallContext`). */
  context?: () => CallContext;
  /** Told of each request (the worker's Prometheus metrics). */
  observer?: SmileRequestObserver;
  fetch?: typeof globalThis.fetch;
}

export interface CallContext {
  /** Aborts the request: the activity was cancelled or timed out. */
  signal?: AbortSignal;
  /** Epoch ms after which a request may not start: the attempt would time out first. */
  deadline?: number;
  /** Whether a person waits on the request (default) or it is background work. */
  priority?: Priority;
}

export { DATA_RESOURCES, type DataResource } from './kinds.js';
import type { DataResource } from './kinds.js';

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
  limiter,
  context = () => ({}),
  observer = NO_OBSERVER,
  fetch = globalThis.fetch,
}: SmileClientOptions) {
  const authorization = `Basic ${Buffer.from(`${apiKey}:${apiSecret}`).toString('base64')}`;
  const takeSlot = limiter ?? createLimiter(requestsPerSecond);

  /** Each call is a client span in the activity's trace (runtime/tracing.ts); the path without its query. */
  const call = <T extends z.ZodType>(method: string, path: string, data: T, body?: unknown): Promise<z.infer<T>> =>
    inSpan(
      `smile ${method} ${path.split('?')[0]!.replace(/\/(tenantId|a|et|i|e|con|inc|einc|tpl|j)-[^/]+/g, '/:id')}`,
      { kind: SpanKind.CLIENT, attributes: { 'http.request.method': method } },
      (span) => counted(method, path, data, body, (status) => span.setAttribute('http.response.status_code', status)),
    );

  /** Waits for the request's turn (by its priority), sends it, and tells the observer how it ended. */
  async function counted<T extends z.ZodType>(
    method: string,
    path: string,
    data: T,
    body: unknown,
    onStatus: (status: number) => void,
  ): Promise<z.infer<T>> {
    const endpoint = endpointOf(method, path);
    let sent = false;
    try {
      const { signal, deadline, priority } = context();
      // The request must fit in what is left of the attempt, so its turn must come a timeout earlier.
      await takeSlot(deadline === undefined ? undefined : deadline - timeoutMs, priority);
      signal?.throwIfAborted();
      sent = true;
      observer.sent(endpoint);
      const answer = await send(method, path, data, body, signal, onStatus);
      observer.ended(endpoint, 'ok', sent);
      return answer;
    } catch (error) {
      observer.ended(endpoint, outcomeOf(error), sent);
      throw error;
    }
  }

  async function send<T extends z.ZodType>(
    method: string,
    path: string,
    data: T,
    body: unknown,
    signal: AbortSignal | undefined,
    onStatus: (status: number) => void,
  ): Promise<z.infer<T>> {
    const timeout = AbortSignal.timeout(timeoutMs);
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
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      throw networkFailure(error);
    }
    onStatus(response.status);
    const json: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = errorEnvelopeSchema.safeParse(json);
      if (!error.success) throw smileFailure(`HTTP_${response.status}`, response.status);
      throw smileFailure(error.data.code, response.status, error.data.requestId ?? undefined);
    }
    const parsed = apiEnvelopeSchema(data).safeParse(json);
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

  type Cursor = string | number;
  const dataPath = (resource: DataResource, filter: DataFilter & { size?: number }, cursor?: Cursor) => {
    const { userId, accountId, startMonth, endMonth, size = MAX_PAGE_SIZE } = filter;
    return `/${resource}${query({ userId, accountId, startMonth, endMonth, size, cursor })}`;
  };

  /** Page after page from `from`, following `nextCursor` until Smile gives none. */
  async function* pages<T extends z.ZodType>(path: (cursor?: Cursor) => string, item: T, from?: Cursor) {
    let cursor = from;
    do {
      const page: Page<z.infer<T>> = await call('GET', path(cursor), pageSchema(item));
      yield page;
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && cursor !== '');
  }

  /** The pages of a resource, from a cursor (an activity resumes where its last attempt got to). */
  const dataPages = (resource: DataResource, filter: DataFilter, from?: Cursor): AsyncGenerator<Page<SmileDataItem>> =>
    pages((cursor) => dataPath(resource, filter, cursor), dataItemSchema, from);

  /** Every item of a resource. */
  async function* iterateData(resource: DataResource, filter: DataFilter): AsyncGenerator<SmileDataItem> {
    for await (const page of dataPages(resource, filter)) yield* page.items;
  }

  /** Every user created on or after `startDate` (YYYY-MM-DD). */
  async function* iterateUsers({ startDate }: { startDate: string }): AsyncGenerator<z.infer<typeof userSchema>> {
    const path = (cursor?: Cursor) => `/users${query({ startDate, size: MAX_PAGE_SIZE, cursor })}`;
    for await (const page of pages(path, userSchema)) yield* page.items;
  }

  /** Every invite, oldest first (Smile's list has no filter). */
  async function* iterateInvites(): AsyncGenerator<z.infer<typeof inviteSchema>> {
    const path = (cursor?: Cursor) => `/invites${query({ size: MAX_PAGE_SIZE, cursor })}`;
    for await (const page of pages(path, inviteSchema)) yield* page.items;
  }

  return {
    /** `POST /invites`: Smile creates the invited user and emails the landing page link. */
    createInvite: (body: { fullName: string; email: string; templateId: string }) =>
      call('POST', '/invites', inviteSchema, body),
    iterateInvites,
    getArchive: (id: string) => call('GET', `/archives/${encodeURIComponent(id)}`, archiveSchema),
    /** Smile's extraction of a payslip archive. */
    payslipPrediction: (archiveId: string) =>
      call('GET', `/archives/-/payslips/queryPrediction${query({ archiveId })}`, payslipPredictionSchema),
    createUser: (externalMetadata?: Record<string, string>) =>
      call('POST', '/users', createUserDataSchema, externalMetadata ? { externalMetadata } : {}),
    createToken: (userId: string) => call('POST', `/tokens${query({ userId })}`, tokenSchema),
    getUser: (id: string) => call('GET', `/users/${encodeURIComponent(id)}`, userSchema),
    iterateUsers,
    /** `DELETE /accounts/:id`: Smile revokes the account and removes its data (a 404 means it is already gone). */
    revokeAccount: (accountId: string) =>
      call('DELETE', `/accounts/${encodeURIComponent(accountId)}`, z.unknown().optional()),
    getAccount: (accountId: string) => call('GET', `/accounts/${encodeURIComponent(accountId)}`, accountSchema),
    listAccounts: ({ userId }: { userId: string }) =>
      call('GET', `/accounts${query({ userId, size: MAX_PAGE_SIZE })}`, pageSchema(accountSchema)),
    /** Every account of a Smile user, page after page (connected or not). */
    async *iterateAccounts({ userId }: { userId: string }): AsyncGenerator<z.infer<typeof accountSchema>> {
      const path = (cursor?: Cursor) => `/accounts${query({ userId, size: MAX_PAGE_SIZE, cursor })}`;
      for await (const page of pages(path, accountSchema)) yield* page.items;
    },
    /** `POST /accounts/:id/disableMonitor`: Smile stops the account's continuous data sync (CUSTOMER_DISABLED). */
    disableMonitor: (accountId: string) =>
      call('POST', `/accounts/${encodeURIComponent(accountId)}/disableMonitor`, z.unknown().optional()),
    listData: (resource: DataResource, filter: DataFilter & { size?: number; cursor?: Cursor }) =>
      call('GET', dataPath(resource, filter, filter.cursor), pageSchema(dataItemSchema)),
    dataPages,
    iterateData,
  };
}
