import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { LinkToken, StatusDocument, VerificationStatus } from './types.js';

/**
 * The verification workflow's messages, defined once here and imported by the API:
 * no message name is spelt anywhere else.
 */

export interface LinkTokenRequest {
  /** The API request sending this update; equal to the run's own `requestId` when that request started it. */
  requestId: string;
}

export interface LinkTokenReply extends LinkToken {
  smileUserId: string;
  status: VerificationStatus;
  /** True when the request that sent this update also started the run (the API answers 201). */
  startedByRequest: boolean;
}

/** An update, not a signal: an update handler may return a value (the token) to its caller. */
export const linkTokenUpdate = defineUpdate<LinkTokenReply, [LinkTokenRequest]>('linkToken');

export const statusQuery = defineQuery<StatusDocument>('status');
