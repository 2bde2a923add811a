import { ApplicationFailure } from '@temporalio/common';
import type { Policy } from '../workflows/policy.js';
import type { Decision } from '../workflows/types.js';
import { evaluate, type KycInput } from './decide/evaluate.js';
import { heartbeat, lastProgress } from './smile/context.js';
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

/** The progress of a fetch that has stored every kind. */
const FETCHED = 'fetched';

export function createDataActivities({ sql, smile }: { sql: Sql; smile: Pick<SmileClient, 'dataPages'> }) {
  /**
   * Stores one kind page by page, heartbeating the next page's cursor: a retried
   * attempt resumes from `from` instead of fetching everything again.
   */
  async function fetchKind(kind: DataResource, smileUserId: string, accountId?: string, from?: string | number) {
    const filter = { userId: smileUserId, ...(accountId ? { accountId } : {}) };
    for await (const page of smile.dataPages(kind, filter, from)) {
      const rows: DataRow[] = page.items.map((item) => ({
        id: item.id,
        kind,
        accountId: item.accountId ?? accountId,
        raw: item,
      }));
      await upsertDatapoints(sql, smileUserId, rows);
      if (page.nextCursor !== null && page.nextCursor !== undefined) heartbeat({ kind, cursor: page.nextCursor });
    }
  }

  /** The kinds still to fetch, and the cursor to resume the first of them from. */
  function remainingKinds(): { kinds: DataResource[]; from?: string | number } {
    const progress = lastProgress();
    if (progress?.kind === FETCHED) return { kinds: [] };
    const at = DATA_RESOURCES.findIndex((kind) => kind === progress?.kind);
    return at < 0 ? { kinds: [...DATA_RESOURCES] } : { kinds: DATA_RESOURCES.slice(at), from: progress?.cursor };
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
    const { kinds, from } = remainingKinds();
    for (const kind of kinds) {
      await fetchKind(kind, smileUserId, accountId, kind === kinds[0] ? from : undefined);
      heartbeat({ kind: DATA_RESOURCES[DATA_RESOURCES.indexOf(kind) + 1] ?? FETCHED });
    }
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
        if (truncated) await fetchKind(kind, smileUserId, accountId);
        else
          await upsertDatapoints(
            sql,
            smileUserId,
            items.map((item) => ({ id: item.id as string, kind, accountId, raw: item })),
          );
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
