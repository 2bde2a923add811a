import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { callbackMessageId } from '../workflows/ids.js';
import { BlockedAddressError, postJson, type Resolver } from './callbacks/post.js';
import { messageBody, recordDeliveryAttempt } from '../db/callbacks.js';
import type { CallbackType } from '../workflows/types.js';
import type { Sql } from '../db/client.js';
import { statusDocumentOf } from '../db/verifications.js';

const MAX_BODY_BYTES = 1.5 * 1024 * 1024;

/** A 4xx answer is the receiver's final word, except 408 (timeout) and 429 (slow down). */
const isPermanent = (status: number) => status >= 400 && status < 500 && status !== 408 && status !== 429;

type Attempt = { status?: number; error?: string; blocked?: boolean };

async function attempt(url: string, options: Parameters<typeof postJson>[1]): Promise<Attempt> {
  try {
    const status = await postJson(url, options);
    return status >= 200 && status < 300 ? { status } : { status, error: `answered ${status}` };
  } catch (cause) {
    if (cause instanceof BlockedAddressError) return { error: `blocked: ${cause.message}`, blocked: true };
    const name = (cause as Error).name;
    return { error: name === 'TimeoutError' || name === 'AbortError' ? 'timed out' : (cause as Error).message };
  }
}

/**
 * The result callback: the stored status document (with `reportUrl`,
 * the report's address, once decided), signed per the
 * Standard Webhooks spec. One `webhook-id` across retries, so the receiver can
 * deduplicate; every attempt recorded. Only public addresses are reached unless
 * `allowPrivateNetworks`, checked as the socket connects; a blocked address or
 * a permanent 4xx ends the delivery, other failures are retried by Temporal
 * with backoff for up to 24 h.
 */
export function createNotifyActivities({
  sql,
  defaultUrl,
  secret,
  publicUrl,
  allowPrivateNetworks,
  timeoutMs = 10_000,
  resolve,
}: {
  sql: Sql;
  defaultUrl?: string;
  secret: string;
  /** Where clients reach this API (`PUBLIC_URL`): a decided verification's callback links its report. */
  publicUrl?: string;
  allowPrivateNetworks: boolean;
  timeoutMs?: number;
  /** DNS, replaceable in tests. */
  resolve?: Resolver;
}) {
  const webhook = new Webhook(secret);
  return {
    async deliverResultCallback({
      runId,
      callbackUrl,
      type = 'verification.completed',
      sequence,
    }: {
      runId: string;
      callbackUrl?: string;
      /** The message's type; a child started before types sends `verification.completed`. */
      type?: CallbackType;
      sequence?: number;
    }): Promise<{ delivered: boolean }> {
      const url = callbackUrl ?? defaultUrl;
      if (!url) return { delivered: false };
      const document = await statusDocumentOf(sql, runId);
      if (!document)
        throw ApplicationFailure.retryable(`no stored verification for run ${runId} yet`, 'VerificationNotStored');
      const reportUrl =
        document.decision && publicUrl
          ? `${publicUrl}/v1/verifications/${encodeURIComponent(document.verificationId)}/report`
          : undefined;
      const id = callbackMessageId(runId, type === 'verification.completed' ? undefined : { type, sequence });
      const stored = await messageBody(sql, {
        messageId: id,
        runId,
        type,
        body: { type, ...document, ...(reportUrl ? { reportUrl } : {}) },
      });
      if (!stored) throw ApplicationFailure.nonRetryable('the message was erased before it was sent', 'CallbackErased');
      const body = JSON.stringify(stored);
      if (Buffer.byteLength(body) > MAX_BODY_BYTES)
        throw ApplicationFailure.nonRetryable('the status document exceeds 1.5 MB', 'CallbackTooLarge');
      const timestamp = new Date();
      const headers = {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': webhook.sign(id, timestamp, body),
      };
      const { status, error, blocked } = await attempt(url, {
        headers,
        body,
        timeoutMs,
        allowPrivateNetworks,
        resolve,
      });
      await recordDeliveryAttempt(sql, { runId, webhookId: id, url, statusCode: status, error });
      if (blocked) throw ApplicationFailure.nonRetryable(`result callback ${error}`, 'CallbackBlocked');
      if (status !== undefined && isPermanent(status))
        throw ApplicationFailure.nonRetryable(`result callback ${error}`, 'CallbackRejected');
      if (error) throw ApplicationFailure.retryable(`result callback ${error}`, 'CallbackFailed');
      return { delivered: true };
    },
  };
}
