import { canonicalJson } from './evidence.js';
import { currency, dayOf, monthOf, text } from './read.js';
import type { AccountData, Item } from './types.js';

/**
 * One item, once. The same login linked twice (two accounts of one provider,
 * e.g. connected again before the first sync finished) shares the same
 * employments, pay periods and contribution months twice, with different item
 * ids. Within one provider, two items are the same item when their keys are
 * equal:
 *
 * | kind          | key (besides the provider)                        | why                                            |
 * |---------------|---------------------------------------------------|------------------------------------------------|
 * | employments   | employer (case and spacing folded), startDate     | a job is an employer and when it began; its end and title change with syncs |
 * | contributions | day (or month), currency, amount                  | one payment; two different payments in a month stay two |
 * | incomes       | employer, pay period start and end, currency      | one pay period is paid once; its amounts may be corrected |
 * | eincomes      | month, currency                                   | Smile estimates one amount a month             |
 *
 * An item whose key fields are unreadable is keyed by its whole content (ids
 * left out). Items of one account are never merged with each other: a key
 * counts as often as the account that has it most often (a salary and a bonus
 * for the same period in one account stay two). Different providers' items are
 * always different items. Accounts are read in id order, so which copy is kept
 * does not depend on the order the run saw them.
 */

export type ItemKind = 'employments' | 'contributions' | 'incomes' | 'eincomes';

export interface JudgedItem {
  item: Item;
  accountId: string;
  providerId: string;
}

const fold = (value: unknown) =>
  (text(value) ?? '')
    .normalize('NFKD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

const IDS = new Set(['id', 'accountId', 'userId', 'metadata', 'createdAt', 'updatedAt', 'sourceId']);
const content = (item: Item) => canonicalJson(Object.fromEntries(Object.entries(item).filter(([k]) => !IDS.has(k))));

function keyOf(kind: ItemKind, item: Item): string {
  const parts: (string | number | undefined)[] =
    kind === 'employments'
      ? [fold(item.employer) || undefined, dayOf(item.startDate)]
      : kind === 'contributions'
        ? [
            dayOf(item.date) ?? monthOf(item.date ?? item.month ?? item.period),
            currency(item.currency),
            typeof item.amount === 'number' ? item.amount : undefined,
          ]
        : kind === 'incomes'
          ? [fold(item.employer), dayOf(item.startDate), dayOf(item.endDate), currency(item.currency)]
          : [monthOf(item.month), currency(item.currency)];
  const readable =
    kind === 'incomes' ? parts.slice(1).every((p) => p !== undefined) : parts.every((p) => p !== undefined);
  return readable ? JSON.stringify(parts) : `content:${content(item)}`;
}

/** The items of `kind` from these accounts, each item once (see above), in account id order. */
export function distinctItems(accounts: AccountData[], kind: ItemKind): JudgedItem[] {
  const sorted = [...accounts].sort((a, b) => (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0));
  /** Per provider: how many times each key has been kept. */
  const kept = new Map<string, Map<string, number>>();
  const judged: JudgedItem[] = [];
  for (const account of sorted) {
    const counts = kept.get(account.providerId) ?? new Map<string, number>();
    kept.set(account.providerId, counts);
    const seen = new Map<string, number>();
    for (const item of account[kind]) {
      const key = keyOf(kind, item);
      const occurrence = (seen.get(key) ?? 0) + 1;
      seen.set(key, occurrence);
      if (occurrence > (counts.get(key) ?? 0))
        judged.push({ item, accountId: account.accountId, providerId: account.providerId });
    }
    for (const [key, count] of seen) counts.set(key, Math.max(count, counts.get(key) ?? 0));
  }
  return judged;
}
