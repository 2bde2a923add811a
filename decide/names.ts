const SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv', 'v']);

/** "José  PALOMERO, Jr." → ["jose", "palomero"]: no diacritics, case, punctuation or generational suffixes. */
function nameTokens(name: string): string[] {
  return name
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((token) => token.length > 0 && !SUFFIXES.has(token));
}

/**
 * Token-set similarity in [0, 1]: the share of the shorter name's tokens found
 * in the longer one, regardless of order (middle names may be missing on one
 * side). A single shared token of two multi-token names scores at most 0.5.
 */
export function nameSimilarity(a: string, b: string): number {
  const left = new Set(nameTokens(a));
  const right = new Set(nameTokens(b));
  if (left.size === 0 || right.size === 0) return 0;
  const shared = [...left].filter((token) => right.has(token)).length;
  return (shared / Math.min(left.size, right.size)) * (shared === 1 && Math.min(left.size, right.size) > 1 ? 0.5 : 1);
}
