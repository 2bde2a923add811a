import { DATAPOINT_KINDS, DATAPOINTS, type DataRecord, type SandboxState } from '../state.js';

/** Smile caps list datapoints in a webhook payload at 300 items (tag-webhooks.md, "Including the Data Payload"). */
export const PAYLOAD_LIST_LIMIT = 300;

/** Payload items carry no metadata, as in the TASK_FINISHED example. */
const bare = ({ metadata: _metadata, ...item }: DataRecord) => item;

/**
 * The `payload` of TASK_FINISHED / ACCOUNT_SYNC_TASK_FINISHED for one account:
 * the identity as an object, lists as `{ nextCursor, items }` capped at 300
 * (the cursor continues on the list endpoint). Datapoints without data are left out.
 */
export function taskPayload(state: SandboxState, accountId: string): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  for (const kind of DATAPOINT_KINDS) {
    const rows = state.recordsOf(kind, accountId);
    if (rows.length === 0) continue;
    const key = DATAPOINTS[kind].payloadKey;
    if (kind === 'identities') {
      payload[key] = bare(rows[0]!);
      continue;
    }
    const items = rows.slice(0, PAYLOAD_LIST_LIMIT).map(bare);
    payload[key] = { nextCursor: rows.length > PAYLOAD_LIST_LIMIT ? String(PAYLOAD_LIST_LIMIT) : null, items };
  }
  return payload;
}
