import { ApplicationFailure } from '@temporalio/common';
import type { Policy } from '../workflows/policy.js';
import type { Decision } from '../workflows/types.js';
import { evaluate, type KycInput } from './decide/evaluate.js';
import { DATA_RESOURCES, type DataResource, type SmileClient } from './smile/index.js';
import { countDatapoints, loadDatapoints, upsertDatapoints, type DataRow } from './store/datapoints.js';
import type { Sql } from './store/db.js';
import { findDecision, insertDecision } from './store/decisions.js';
import { loadTaskPayload } from './store/inbox.js';
import { loadApplicant } from './store/users.js';

export type DatapointCounts = Partial<Record<'identity' | 'employments' | 'contributions' | 'incomes', number>>;

/** Where each kind sits in a TASK_FINISHED payload: the identity is an object, the rest are capped lists. */
const PAYLOAD_KEY: Record<DataResource, string> = {
  identities: 'identity',
  employments: 'employments',
  contributions: 'contributions',
  incomes: 'incomes',
  eincomes: 'eincomes',
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The items of one kind in a payload section, and whether Smile cut the list (a `nextCursor`). */
function sectionItems(kind: DataResource, section: unknown): { items: Record<string, unknown>[]; truncated: boolean } {
  const truncated = isObject(section) && section.nextCursor !== null && section.nextCursor !== undefined;
  const items =
    kind === 'identities'
      ? isObject(section)
        ? [section]
        : []
      : isObject(section) && Array.isArray(section.items)
        ? section.items
        : Array.isArray(section)
          ? section
          : [];
  return { items: items.filter(isObject).filter((item) => typeof item.id === 'string'), truncated };
}

export function createDataActivities({ sql, smile }: { sql: Sql; smile: Pick<SmileClient, 'iterateData'> }) {
  async function fetchKind(kind: DataResource, smileUserId: string, accountId?: string): Promise<DataRow[]> {
    const rows: DataRow[] = [];
    for await (const item of smile.iterateData(kind, { userId: smileUserId, ...(accountId ? { accountId } : {}) })) {
      rows.push({ id: item.id, kind, accountId: item.accountId ?? accountId, raw: item });
    }
    return rows;
  }

  async function countsOf(smileUserId: string): Promise<DatapointCounts> {
    const n = await countDatapoints(sql, smileUserId);
    return {
      identity: n.identities,
      employments: n.employments,
      contributions: n.contributions,
      incomes: n.incomes + n.eincomes,
    };
  }

  async function fetchAndStoreDatapoints({
    smileUserId,
    accountId,
  }: {
    smileUserId: string;
    accountId?: string;
  }): Promise<DatapointCounts> {
    for (const kind of DATA_RESOURCES)
      await upsertDatapoints(sql, smileUserId, await fetchKind(kind, smileUserId, accountId));
    return countsOf(smileUserId);
  }

  return {
    /**
     * Stores the data of a TASK_FINISHED payload held in the inbox. Lists Smile
     * cut at 300 items (a `nextCursor`) are completed through the API.
     */
    async storeTaskPayload({ eventId }: { eventId: string }): Promise<DatapointCounts> {
      const event = await loadTaskPayload(sql, eventId);
      const smileUserId = event?.smileUserId;
      if (!smileUserId)
        throw ApplicationFailure.nonRetryable(`inbox event ${eventId} has no user`, 'InboxEventUnreadable');
      const accountId = event.accountId ?? undefined;
      if (!isObject(event.payload)) return fetchAndStoreDatapoints({ smileUserId, accountId });
      for (const kind of DATA_RESOURCES) {
        const { items, truncated } = sectionItems(kind, event.payload[PAYLOAD_KEY[kind]]);
        const rows = truncated
          ? await fetchKind(kind, smileUserId, accountId)
          : items.map((item) => ({ id: item.id as string, kind, accountId, raw: item }));
        await upsertDatapoints(sql, smileUserId, rows);
      }
      return countsOf(smileUserId);
    },

    fetchAndStoreDatapoints,

    /** Judges the stored data; one decision per run (a retry returns the first). No personal data in the result. */
    async evaluateVerification(input: {
      runId: string;
      requestId: string;
      smileUserId: string;
      policy: Policy;
      kyc?: KycInput;
    }): Promise<Decision> {
      const existing = await findDecision(sql, input.runId);
      if (existing) return existing;
      const data = await loadDatapoints(sql, input.smileUserId);
      const now = new Date();
      const evaluation = evaluate(
        { ...data, identity: data.identities[0] },
        await loadApplicant(sql, input.requestId),
        input.policy,
        now,
        input.kyc,
      );
      const reasons = evaluation.reasons
        .filter((r) => r.result !== 'pass')
        .map(({ code, message }) => ({ code, message }));
      const decision: Decision = { outcome: evaluation.outcome, reasons, evaluatedAt: now.toISOString() };
      await insertDecision(sql, { runId: input.runId, smileUserId: input.smileUserId, policy: input.policy, decision });
      return decision;
    },
  };
}
