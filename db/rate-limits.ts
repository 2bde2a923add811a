import type { Db } from './client.js';

/**
 * Reserves the next request slot of a shared rate budget (one row per Smile
 * account): the slot is the later of now and the row's `next_slot`, which moves
 * on by `intervalMs`. No slot is taken when it would be more than `maxWaitMs`
 * away. Returns the slot as epoch milliseconds: an absolute time, so the time
 * the answer takes to arrive does not move it.
 */
export async function reserveSlot(
  sql: Db,
  { key, intervalMs, maxWaitMs }: { key: string; intervalMs: number; maxWaitMs: number },
): Promise<number | undefined> {
  const interval = `${intervalMs.toFixed(3)} milliseconds`;
  const maxWait = `${Math.max(0, maxWaitMs).toFixed(3)} milliseconds`;
  const [row] = await sql<{ slot_ms: number }[]>`
    insert into smile_rate_limits as l (key, next_slot)
    values (${key}, clock_timestamp() + ${interval}::interval)
    on conflict (key) do update
      set next_slot = greatest(l.next_slot, clock_timestamp()) + ${interval}::interval
      where greatest(l.next_slot, clock_timestamp()) <= clock_timestamp() + ${maxWait}::interval
    returning (extract(epoch from next_slot - ${interval}::interval) * 1000)::float8 as slot_ms`;
  return row?.slot_ms;
}
