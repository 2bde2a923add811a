import { ApplicationFailure } from '@temporalio/common';
import { Webhook } from 'standardwebhooks';
import { callbackMessageId } from '../workflows/ids.js';
import { recordDeliveryAttempt } from './store/callbacks.js';
import type { Sql } from './store/db.js';
import { statusDocumentOf } from './store/verifications.js';

const MAX_BODY_BYTES = 1.5 * 1024 * 1024;

/**
 * The result callback (SPEC §7): the stored status document (with `reportUrl`,
 * the report's address, once decided), signed per the
 * Standard Webhooks spec. One `webhook-id` across retries, so the receiver can
 * deduplicate; every attempt recorded; a non-2xx answer or a timeout throws a
 * retryable failure and Temporal retries with backoff for up to 24 h.
 */
export function createNotifyActivities({
  sql,
  defaultUrl,
  secret,
  publicUrl,
  timeoutMs = 10_000,
}: {
  sql: Sql;
  defaultUrl?: string;
  secret: string;
  /** Where clients reach this API (`PUBLIC_URL`): a decided verification's callback links its report. */
  publicUrl?: string;
  timeoutMs?: number;
}) {
  const webhook = new Webhook(secret);
  return {
    async deliverResultCallback({
      runId,
      callbackUrl,
    }: {
      runId: string;
      callbackUrl?: string;
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
      const body = JSON.stringify(reportUrl ? { ...document, reportUrl } : document);
      if (Buffer.byteLength(body) > MAX_BODY_BYTES)
        throw ApplicationFailure.nonRetryable('the status document exceeds 1.5 MB', 'CallbackTooLarge');
      const id = callbackMessageId(runId);
      const timestamp = new Date();
      let status: number | undefined;
      let error: string | undefined;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': id,
            'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
            'webhook-signature': webhook.sign(id, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        status = response.status;
        if (!response.ok) error = `answered ${response.status}`;
      } catch (cause) {
        error = (cause as Error).name === 'TimeoutError' ? 'timed out' : (cause as Error).message;
      }
      await recordDeliveryAttempt(sql, { runId, webhookId: id, url, statusCode: status, error });
      if (error) throw ApplicationFailure.retryable(`result callback ${error}`, 'CallbackFailed');
      return { delivered: true };
    },
  };
}
