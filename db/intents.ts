import { randomUUID } from 'node:crypto';
import type { Db } from './client.js';

export interface SmileUserIntent {
  /** Travels in the Smile user's externalMetadata: how a retry recognises the user it made. */
  key: string;
  createdAt: Date;
  /** False when an earlier attempt recorded it: that attempt may have created the user. */
  fresh: boolean;
}

/** Records (or finds) the intent to create a Smile user for an external user, before Smile is asked. */
export async function recordSmileUserIntent(sql: Db, externalUserId: string): Promise<SmileUserIntent> {
  const key = randomUUID();
  const [row] = await sql<{ intent_key: string; created_at: Date }[]>`
    insert into smile_user_intents (external_user_id, intent_key) values (${externalUserId}, ${key})
    on conflict (external_user_id) do update set external_user_id = excluded.external_user_id
    returning intent_key, created_at`;
  return { key: row!.intent_key, createdAt: row!.created_at, fresh: row!.intent_key === key };
}
