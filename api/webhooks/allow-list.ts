import { BlockList, isIP } from 'node:net';

/** `SMILE_WEBHOOK_ALLOWED_IPS` entries (validated by config/env.ts): addresses or CIDRs, IPv4 or IPv6. */
export function allowListOf(entries: string[]): (ip: string) => boolean {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return (ip) => isIP(ip) !== 0 && list.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4');
}
