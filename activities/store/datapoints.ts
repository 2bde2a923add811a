import type { Sql } from './db.js';

export const KINDS = ['identities', 'employments', 'contributions', 'incomes', 'eincomes'] as const;
export type Kind = (typeof KINDS)[number];

export interface DataRow {
  id: string;
  kind: Kind;
  accountId?: string | null;
  raw: Record<string, unknown>;
}

/** Idempotent: storing the same items twice leaves the same rows (the newest raw JSON wins). */
export async function upsertDatapoints(sql: Sql, smileUserId: string, rows: DataRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500).map((row) => ({
      id: row.id,
      kind: row.kind,
      smile_user_id: smileUserId,
      account_id: row.accountId ?? null,
      raw: sql.json(row.raw as never),
    }));
    await sql`
      insert into datapoints ${sql(batch)}
      on conflict (id) do update set raw = excluded.raw, account_id = excluded.account_id, updated_at = now()`;
  }
}

/** The stored data of a Smile user, by kind. */
export async function loadDatapoints(sql: Sql, smileUserId: string): Promise<Record<Kind, Record<string, unknown>[]>> {
  const rows = await sql<{ kind: Kind; raw: Record<string, unknown> }[]>`
    select kind, raw from datapoints where smile_user_id = ${smileUserId} order by id`;
  const byKind = Object.fromEntries(KINDS.map((kind) => [kind, [] as Record<string, unknown>[]])) as Record<Kind, Record<string, unknown>[]>;
  for (const row of rows) byKind[row.kind].push(row.raw);
  return byKind;
}
