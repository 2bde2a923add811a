import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes operators filter on. The dev server registers them at start
 * (`--search-attribute Name=Keyword`, see scripts/temporal-server.ts); a cluster
 * needs `temporal operator search-attribute create` once.
 */
export const VerificationStatusKey = defineSearchAttributeKey('VerificationStatus', SearchAttributeType.KEYWORD);
export const ExternalUserIdKey = defineSearchAttributeKey('ExternalUserId', SearchAttributeType.KEYWORD);
export const SmileUserIdKey = defineSearchAttributeKey('SmileUserId', SearchAttributeType.KEYWORD);
export const DecisionKey = defineSearchAttributeKey('Decision', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTES = [VerificationStatusKey, ExternalUserIdKey, SmileUserIdKey, DecisionKey] as const;
