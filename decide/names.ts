import { text } from './read.js';
import type { Item } from './types.js';

const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v']);

/**
 * "José  PALOMERO, Jr." → ["jose", "palomero"]: no diacritics, case,
 * punctuation or generational suffixes. Letters of every script count
 * (Filipino, Indonesian, Malay, Chinese romanisations and characters alike).
 */
export function nameTokens(name: string): string[] {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0 && !SUFFIXES.has(token));
}

/** A name as its tokens, and the given and family names it must account for. */
interface ReadName {
  tokens: Set<string>;
  given: string;
  family: string;
}

function readName(given: string[], family: string[], all: string[]): ReadName | undefined {
  if (given.length === 0 || family.length === 0) return undefined;
  return { tokens: new Set(all), given: given[0]!, family: family.at(-1)! };
}

/** The applicant's full name: the first word is the given name, the last the family name. */
function readFullName(name: string): ReadName | undefined {
  const tokens = nameTokens(name);
  return readName(tokens, tokens, tokens);
}

/** An identity's name: `firstName` and `lastName` where Smile gives both, else its `fullName`. */
export function identityName(identity: Item | undefined): { shown: string; read: ReadName } | undefined {
  if (!identity) return undefined;
  const [first, middle, last] = [identity.firstName, identity.middleName, identity.lastName].map(text);
  if (first && last) {
    const [given, family] = [nameTokens(first), nameTokens(last)];
    const all = [...given, ...nameTokens(middle ?? ''), ...family, ...nameTokens(text(identity.fullName) ?? '')];
    const read = readName(given, family, all);
    if (read) return { shown: text(identity.fullName) ?? [first, middle, last].filter(Boolean).join(' '), read };
  }
  const full = text(identity.fullName);
  const read = full ? readFullName(full) : undefined;
  return full && read ? { shown: full, read } : undefined;
}

/**
 * Whether the applicant's name accounts for the identity's: the identity's given
 * and family names are both in the applicant's name, and the applicant's first
 * and last words are both in the identity's. Order does not matter (family-name
 * first romanisations), and a middle name or suffix may be missing on either
 * side; so a one-word name matches only a one-word identity, and "George" alone
 * does not match "George Cimafranca Palomero, Jr".
 */
export function nameMatches(applicant: string, identity: Item): boolean {
  const a = readFullName(applicant);
  const i = identityName(identity)?.read;
  if (!a || !i) return false;
  return a.tokens.has(i.given) && a.tokens.has(i.family) && i.tokens.has(a.given) && i.tokens.has(a.family);
}

/**
 * The name score in [0, 1] that `nameMatchThreshold` applies to: 0 when the
 * names do not account for each other (above), else the share of the shorter
 * name's words found in the longer one (middle names that differ lower it).
 */
export function nameScore(applicant: string, identity: Item): number {
  if (!nameMatches(applicant, identity)) return 0;
  const left = new Set(nameTokens(applicant));
  const right = identityName(identity)!.read.tokens;
  const shared = [...left].filter((token) => right.has(token)).length;
  return shared / Math.min(left.size, right.size);
}
