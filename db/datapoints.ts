import { DATA_RESOURCES, type DataResource } from '../smile/index.js';
import type { AccountData } from '../decide/types.js';
import type { Db } from './client.js';
import { storableJson, storableText } from './json.js';

export interface DataRow {
  id: string;
  kind: DataResource | 'payslips';
  accountId?: string | null;
  raw: Record<string, unknown>;
}

/**
 * One row per id, the last one given winning: Postgres refuses an `on conflict`
 * insert that names the same row twice, and a payload may repeat an item.
 */
export function uniqueById(rows: DataRow[]): DataRow[] {
  return [...new Map(rows.map((row) => [storableText(row.id), row])).values()];
}

/** Idempotent: storing the same items twice leaves the same rows (the newest raw JSON wins). */
export async function upsertDatapoints(sql: Db, smileUserId: string, given: DataRow[]): Promise<void> {
  const rows = uniqueById(given);
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map((row) => ({
      id: storableText(row.id),
      kind: row.kind,
      smile_user_id: storableText(smileUserId),
      account_id: row.accountId ? storableText(row.accountId) : null,
      raw: sql.json(storableJson(row.raw).value as never),
    }));
    await sql`
      insert into datapoints ${sql(batch)}
      on conflict (id) do update set raw = excluded.raw, account_id = excluded.account_id, updated_at = now()`;
  }
}

/**
 * The stored data of the given accounts of a Smile user, one entry per account
 * (in the order given), each kind in id order. Rows of other accounts, and rows
 * without an account, are never read.
 */
export async function loadAccountData(
  sql: Db,
  smileUserId: string,
  accounts: { accountId: string; providerId: string }[],
): Promise<AccountData[]> {
  const ids = accounts.map((a) => a.accountId);
  const rows = ids.length
    ? await sql<{ kind: DataResource; account_id: string; raw: Record<string, unknown> }[]>`
        select kind, account_id, raw from datapoints
        where smile_user_id = ${smileUserId} and account_id = any(${ids}) and kind = any(${[...DATA_RESOURCES]})
        order by id`
    : [];
  return accounts.map(({ accountId, providerId }) => {
    const data: AccountData = { accountId, providerId, ...emptyKinds() };
    for (const row of rows) if (row.account_id === accountId) data[row.kind].push(row.raw);
    return data;
  });
}

const emptyKinds = () =>
  Object.fromEntries(DATA_RESOURCES.map((kind) => [kind, [] as Record<string, unknown>[]])) as Record<
    DataResource,
    Record<string, unknown>[]
  >;

/** The stored payslips of the given archives (an archive not stored is left out). */
export async function loadDocuments(
  sql: Db,
  smileUserId: string,
  archiveIds: string[],
): Promise<{ archiveId: string; status: string; prediction: Record<string, unknown> }[]> {
  if (archiveIds.length === 0) return [];
  const rows = await sql<{ id: string; raw: { status?: unknown; prediction?: unknown } }[]>`
    select id, raw from datapoints
    where smile_user_id = ${smileUserId} and kind = 'payslips' and id = any(${archiveIds}) order by id`;
  return rows.map((row) => ({
    archiveId: row.id,
    status: typeof row.raw.status === 'string' ? row.raw.status : 'UNKNOWN',
    prediction:
      typeof row.raw.prediction === 'object' && row.raw.prediction !== null && !Array.isArray(row.raw.prediction)
        ? (row.raw.prediction as Record<string, unknown>)
        : {},
  }));
}

/** How many items of each kind are stored for a Smile user (for the given accounts only, when given), counted in Postgres. */
export async function countDatapoints(
  sql: Db,
  smileUserId: string,
  accountIds?: string[],
): Promise<Record<DataResource, number>> {
  const rows = await sql<{ kind: DataResource; n: number }[]>`
    select kind, count(*)::int as n from datapoints
    where smile_user_id = ${smileUserId} ${accountIds ? sql`and account_id = any(${accountIds})` : sql``}
    group by kind`;
  const counts = Object.fromEntries(DATA_RESOURCES.map((kind) => [kind, 0])) as Record<DataResource, number>;
  for (const row of rows) counts[row.kind] = row.n;
  return counts;
}
