import { ApplicationFailure } from '@temporalio/common';
import type { Policy } from '../workflows/policy.js';
import type { Decision } from '../workflows/types.js';
import { evaluate, type KycInput } from './decide/evaluate.js';
import type { SmileClient } from './smile/index.js';
import type { Sql } from './store/db.js';
import { KINDS, loadDatapoints, upsertDatapoints, type DataRow, type Kind } from './store/datapoints.js';
import { loadEventBody } from './store/events.js';

export type DatapointCounts = Partial<Record<'identity' | 'employments' | 'contributions' | 'incomes', number>>;

/** Where each kind sits in a TASK_FINISHED payload: the identity is an object, the rest are capped lists. */
const PAYLOAD_KEY: Record<Kind, string> = { identities: 'identity', employments: 'employments', contributions: 'contributions', incomes: 'incomes', eincomes: 'eincomes' };

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function countsOf(data: Record<Kind, unknown[]>): DatapointCounts {
  return { identity: data.identities.length, employments: data.employments.length, contributions: data.contributions.length, incomes: data.incomes.length + data.eincomes.length };
}

export function createDataActivities({ sql, smile }: { sql: Sql; smile: Pick<SmileClient, 'iterateData'> }) {
  async function fetchKind(kind: Kind, smileUserId: string, accountId?: string): Promise<DataRow[]> {
    const rows: DataRow[] = [];
    for await (const item of smile.iterateData(kind, { userId: smileUserId, ...(accountId ? { accountId } : {}) })) {
      rows.push({ id: item.id, kind, accountId: item.accountId ?? accountId, raw: item });
    }
    return rows;
  }

  async function fetchAndStoreDatapoints({ smileUserId, accountId }: { smileUserId: string; accountId?: string }): Promise<DatapointCounts> {
    for (const kind of KINDS) await upsertDatapoints(sql, smileUserId, await fetchKind(kind, smileUserId, accountId));
    return countsOf(await loadDatapoints(sql, smileUserId));
  }

  return {
    /**
     * Stores the data of a TASK_FINISHED payload held in the inbox. Lists Smile
     * cut at 300 items (a `nextCursor`) are completed through the API.
     */
    async storeTaskPayload({ eventId }: { eventId: string }): Promise<DatapointCounts> {
      const body = await loadEventBody(sql, eventId);
      const data = isObject(body) && isObject(body.data) ? body.data : undefined;
      const smileUserId = typeof data?.userId === 'string' ? data.userId : undefined;
      if (!smileUserId) throw ApplicationFailure.nonRetryable(`inbox event ${eventId} has no user`, 'InboxEventUnreadable');
      const accountId = typeof data?.sourceId === 'string' ? data.sourceId : undefined;
      const payload = isObject(data?.payload) ? data.payload : undefined;
      if (!payload) return fetchAndStoreDatapoints({ smileUserId, accountId });
      for (const kind of KINDS) {
        const section = payload[PAYLOAD_KEY[kind]];
        const truncated = isObject(section) && section.nextCursor !== null && section.nextCursor !== undefined;
        const items = kind === 'identities' ? (isObject(section) ? [section] : []) : isObject(section) && Array.isArray(section.items) ? section.items : Array.isArray(section) ? section : [];
        const rows = truncated
          ? await fetchKind(kind, smileUserId, accountId)
          : items.filter(isObject).filter((item) => typeof item.id === 'string').map((item) => ({ id: item.id as string, kind, accountId, raw: item }));
        await upsertDatapoints(sql, smileUserId, rows);
      }
      return countsOf(await loadDatapoints(sql, smileUserId));
    },

    fetchAndStoreDatapoints,

    /** Judges the stored data; one decision per run (a retry returns the first). No personal data in the result. */
    async evaluateVerification(input: { runId: string; requestId: string; smileUserId: string; policy: Policy; kyc?: KycInput }): Promise<Decision> {
      const [existing] = await sql<{ outcome: Decision['outcome']; reasons: Decision['reasons']; evaluated_at: Date }[]>`
        select outcome, reasons, evaluated_at from decisions where run_id = ${input.runId}`;
      if (existing) return { outcome: existing.outcome, reasons: existing.reasons, evaluatedAt: existing.evaluated_at.toISOString() };
      const data = await loadDatapoints(sql, input.smileUserId);
      const [request] = await sql<{ applicant: { fullName?: string; dateOfBirth?: string } | null }[]>`
        select applicant from verification_requests where request_id = ${input.requestId}`;
      const now = new Date();
      const evaluation = evaluate({ ...data, identity: data.identities[0] }, request?.applicant ?? {}, input.policy, now, input.kyc);
      const reasons = evaluation.reasons.filter((r) => r.result !== 'pass').map(({ code, message }) => ({ code, message }));
      await sql`
        insert into decisions (run_id, smile_user_id, outcome, reasons, policy, evaluated_at)
        values (${input.runId}, ${input.smileUserId}, ${evaluation.outcome}, ${sql.json(reasons)}, ${sql.json(input.policy as never)}, ${now})
        on conflict (run_id) do nothing`;
      return { outcome: evaluation.outcome, reasons, evaluatedAt: now.toISOString() };
    },
  };
}
