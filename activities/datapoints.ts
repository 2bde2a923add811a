import { ApplicationFailure } from '@temporalio/common';
import { heartbeat, lastProgress } from '../smile/context.js';
import { DATA_KINDS, DATA_RESOURCES, type DatapointCounts, type DataResource } from '../smile/kinds.js';
import type { SmileClient } from '../smile/index.js';
import type { SmileDataItem } from '../smile/schemas.js';
import { countDatapoints, upsertDatapoints, type DataRow } from '../db/datapoints.js';
import type { Sql } from '../db/client.js';
import { loadTaskPayload } from '../db/inbox.js';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The account (Smile's source) an item belongs to: `metadata.sourceId`, else the deprecated `metadata.accountId`. */
function sourceOf(item: SmileDataItem): string | undefined {
  const metadata = isObject(item.metadata) ? item.metadata : {};
  const id = metadata.sourceId ?? metadata.accountId ?? item.accountId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

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

/** The progress of a fetch that has stored every kind of every account. */
const FETCHED = 'fetched';

/** Where a fetch is: the account (by position), the kind, and the next page's cursor. */
interface Progress {
  source?: number;
  kind: DataResource | typeof FETCHED;
  cursor?: string | number;
}

export function createDataActivities({ sql, smile }: { sql: Sql; smile: Pick<SmileClient, 'dataPages'> }) {
  /**
   * Stores one kind of one account page by page, heartbeating the next page's
   * cursor: a retried attempt resumes from `from` instead of fetching everything again.
   */
  async function fetchKind(
    kind: DataResource,
    smileUserId: string,
    accountId: string | undefined,
    { from, source = 0 }: { from?: string | number; source?: number } = {},
  ) {
    const filter = { userId: smileUserId, ...(accountId ? { accountId } : {}) };
    for await (const page of smile.dataPages(kind, filter, from)) {
      const rows: DataRow[] = page.items.map((item) => ({
        id: item.id,
        kind,
        accountId: sourceOf(item) ?? accountId,
        raw: item,
      }));
      await upsertDatapoints(sql, smileUserId, rows);
      if (page.nextCursor !== null && page.nextCursor !== undefined)
        heartbeat({ source, kind, cursor: page.nextCursor } satisfies Progress);
    }
  }

  async function countsOf(smileUserId: string, accountIds?: string[]): Promise<DatapointCounts> {
    const n = await countDatapoints(sql, smileUserId, accountIds);
    return {
      identity: n.identities,
      employments: n.employments,
      contributions: n.contributions,
      incomes: n.incomes + n.eincomes,
    };
  }

  /**
   * Fetches and stores the data of the run's accounts (`accountIds`), one account
   * at a time, and counts what they hold. Without `accountIds` (a run scheduled
   * before runs knew their accounts) it fetches the sync's account, or the user's.
   */
  async function fetchAndStoreDatapoints({
    smileUserId,
    accountId,
    accountIds,
  }: {
    smileUserId: string;
    accountId?: string;
    accountIds?: string[];
  }): Promise<DatapointCounts> {
    const sources = accountIds ?? [accountId];
    const progress = lastProgress() as Progress | undefined;
    if (progress?.kind === FETCHED) return countsOf(smileUserId, accountIds);
    for (let source = progress?.source ?? 0; source < sources.length; source++) {
      const resumeHere = source === (progress?.source ?? 0) && progress !== undefined;
      const start = resumeHere ? Math.max(0, DATA_RESOURCES.indexOf(progress.kind as DataResource)) : 0;
      for (let k = start; k < DATA_RESOURCES.length; k++) {
        const kind = DATA_RESOURCES[k]!;
        await fetchKind(kind, smileUserId, sources[source], {
          source,
          from: resumeHere && k === start ? progress.cursor : undefined,
        });
        const next = DATA_RESOURCES[k + 1];
        heartbeat(
          (next ? { source, kind: next } : { source: source + 1, kind: DATA_RESOURCES[0]! }) satisfies Progress,
        );
      }
    }
    heartbeat({ kind: FETCHED } satisfies Progress);
    return countsOf(smileUserId, accountIds);
  }

  return {
    /**
     * Stores the data of a TASK_FINISHED payload held in the inbox. Lists Smile
     * cut at 300 items (a `nextCursor`) are completed through the API. Counts
     * the run's accounts' data (`accountIds`), else the user's.
     */
    async storeTaskPayload({
      eventId,
      accountIds,
    }: {
      eventId: string;
      accountIds?: string[];
    }): Promise<DatapointCounts> {
      const event = await loadTaskPayload(sql, eventId);
      const smileUserId = event?.smileUserId;
      if (!smileUserId)
        throw ApplicationFailure.nonRetryable(`inbox event ${eventId} has no user`, 'InboxEventUnreadable');
      const accountId = event.accountId ?? undefined;
      if (!isObject(event.payload)) {
        await fetchAndStoreDatapoints({ smileUserId, accountId });
        return countsOf(smileUserId, accountIds);
      }
      for (const kind of DATA_RESOURCES) {
        const { items, truncated } = sectionItems(kind, event.payload[DATA_KINDS[kind].payloadKey]);
        if (truncated) await fetchKind(kind, smileUserId, accountId);
        else
          await upsertDatapoints(
            sql,
            smileUserId,
            items.map((item) => ({ id: item.id as string, kind, accountId, raw: item })),
          );
      }
      return countsOf(smileUserId, accountIds);
    },

    fetchAndStoreDatapoints,
  };
}
