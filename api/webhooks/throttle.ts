/**
 * Per source address, the wrong webhook signatures in a row: at `failures` the address is answered
 * 429 for `blockSeconds`, before its body is read or hashed. A correct signature clears its count, so
 * a sender that signs (Smile) is never blocked by an occasional bad delivery, and one address's
 * flood never touches another's. In memory, per API process, for at most `maxAddresses` addresses
 * (the oldest forgotten first): a bound on the work a flood costs, not a ledger.
 */
export interface SignatureThrottle {
  /** Seconds this address is still refused for, 0 when it is not. */
  blockedFor(address: string): number;
  failed(address: string): void;
  succeeded(address: string): void;
}

interface Entry {
  failures: number;
  blockedUntil: number;
}

export function createSignatureThrottle({
  failures,
  blockSeconds,
  maxAddresses = 10_000,
  now = Date.now,
}: {
  failures: number;
  blockSeconds: number;
  maxAddresses?: number;
  now?: () => number;
}): SignatureThrottle {
  const entries = new Map<string, Entry>();
  return {
    blockedFor(address) {
      const entry = entries.get(address);
      if (!entry || entry.blockedUntil === 0) return 0;
      const left = entry.blockedUntil - now();
      if (left > 0) return Math.ceil(left / 1_000);
      entries.delete(address);
      return 0;
    },
    failed(address) {
      const entry = entries.get(address) ?? { failures: 0, blockedUntil: 0 };
      entries.delete(address); // re-inserted last: the map's order is the eviction order
      entry.failures += 1;
      if (entry.failures >= failures) entry.blockedUntil = now() + blockSeconds * 1_000;
      entries.set(address, entry);
      if (entries.size > maxAddresses) entries.delete(entries.keys().next().value!);
    },
    succeeded(address) {
      entries.delete(address);
    },
  };
}
