import { BlockList, isIP } from 'node:net';

/**
 * Where result callbacks may go: public addresses only, unless
 * RESULT_CALLBACK_ALLOW_PRIVATE_NETWORKS says otherwise. Every spelling of an
 * address is one address here: the WHATWG URL parser turns `127.1`, `2130706433`
 * and `0x7f.0.0.1` into `127.0.0.1`, and the block list matches IPv4-mapped IPv6
 * (`::ffff:10.0.0.1`) against the IPv4 ranges.
 */
const NON_PUBLIC: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'unspecified'],
  ['10.0.0.0', 8, 'ipv4', 'private'],
  ['100.64.0.0', 10, 'ipv4', 'CGNAT'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local'],
  ['172.16.0.0', 12, 'ipv4', 'private'],
  ['192.0.0.0', 24, 'ipv4', 'IETF protocol assignments'],
  ['192.0.2.0', 24, 'ipv4', 'documentation'],
  ['192.88.99.0', 24, 'ipv4', '6to4 relay'],
  ['192.168.0.0', 16, 'ipv4', 'private'],
  ['198.18.0.0', 15, 'ipv4', 'benchmarking'],
  ['198.51.100.0', 24, 'ipv4', 'documentation'],
  ['203.0.113.0', 24, 'ipv4', 'documentation'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'reserved'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['::', 128, 'ipv6', 'unspecified'],
  ['::', 96, 'ipv6', 'IPv4-compatible'],
  ['64:ff9b:1::', 48, 'ipv6', 'local NAT64'],
  ['100::', 64, 'ipv6', 'discard'],
  ['2001:db8::', 32, 'ipv6', 'documentation'],
  ['fc00::', 7, 'ipv6', 'unique local'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'site-local'],
  ['ff00::', 8, 'ipv6', 'multicast'],
];
const ranges = NON_PUBLIC.map(([network, prefix, family, kind]) => {
  const list = new BlockList();
  list.addSubnet(network, prefix, family);
  return { list, kind };
});

const embedding = new BlockList();
embedding.addSubnet('64:ff9b::', 96, 'ipv6');
embedding.addSubnet('2002::', 16, 'ipv6');

/** The IPv4 address inside a NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address, which routes to it. */
function embeddedIpv4(address: string): string | undefined {
  if (!embedding.check(address, 'ipv6')) return undefined;
  const groups = expandIpv6(address);
  const [high, low] = address.toLowerCase().startsWith('2002:') ? [groups[1]!, groups[2]!] : [groups[6]!, groups[7]!];
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

function expandIpv6(address: string): number[] {
  const [head, tail = ''] = address.split('::');
  const parse = (part: string) => (part ? part.split(':') : []);
  const words = (part: string[]) =>
    part.flatMap((group) => {
      if (!group.includes('.')) return [parseInt(group, 16)];
      const [a, b, c, d] = group.split('.').map(Number) as [number, number, number, number];
      return [(a << 8) | b, (c << 8) | d];
    });
  const left = words(parse(head!));
  const right = words(parse(tail));
  return [...left, ...Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** Why an IP address is not public ("loopback", "private", …), or undefined for a public one. */
export function nonPublicKind(address: string): string | undefined {
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  const type = family === 4 ? 'ipv4' : 'ipv6';
  const hit = ranges.find(({ list }) => list.check(address, type));
  if (hit) return hit.kind;
  const inner = family === 6 ? embeddedIpv4(address) : undefined;
  return inner ? nonPublicKind(inner) : undefined;
}

/** A URL host without brackets or a trailing dot, lowercased: `[::1]` → `::1`, `Localhost.` → `localhost`. */
export const bareHost = (hostname: string) =>
  hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();

/**
 * What the host alone says: the reason an IP literal or a loopback name is
 * refused, `undefined` for a public IP, and `'resolve'` for a name that needs DNS.
 */
export function hostVerdict(hostname: string): string | undefined | 'resolve' {
  const host = bareHost(hostname);
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return isIP(host) ? nonPublicKind(host) : 'resolve';
}
