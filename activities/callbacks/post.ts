import { traceHeaders } from '../../runtime/tracing.js';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { hostVerdict, nonPublicKind } from '../../runtime/public-address.js';

/** A callback URL's host is, or resolved to, an address callbacks may not reach. */
export class BlockedAddressError extends Error {
  override name = 'BlockedAddressError';
}

export type Resolver = (
  hostname: string,
  options: { all: true; family?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * A `lookup` for the socket's connect: resolves the name and refuses it when
 * any of its addresses is not public. The check runs on the very addresses the
 * socket connects to, so a name re-pointed after the API checked it (DNS
 * rebinding) is still refused.
 */
export function publicOnlyLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 'IPv4' ? 4 : options.family === 'IPv6' ? 6 : options.family;
    resolve(hostname, { all: true, ...(family ? { family } : {}) }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => nonPublicKind(a.address) !== undefined);
      if (refused || addresses.length === 0) {
        const why = refused ? `resolves to a ${nonPublicKind(refused.address)} address` : 'resolves to nothing';
        return callback(new BlockedAddressError(`${hostname} ${why}`), '', 0);
      }
      if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

export interface PostOptions {
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
  /** Loopback and private addresses allowed (development and tests). */
  allowPrivateNetworks: boolean;
  resolve?: Resolver;
}

/**
 * POSTs a body and answers the status code; redirects are not followed. An IP
 * literal is checked here (a socket does not look it up), a name when it resolves.
 */
export function postJson(url: string, { headers, body, timeoutMs, allowPrivateNetworks, resolve }: PostOptions) {
  const target = new URL(url);
  if (!allowPrivateNetworks) {
    const verdict = hostVerdict(target.hostname);
    if (verdict !== undefined && verdict !== 'resolve')
      return Promise.reject(new BlockedAddressError(`${target.hostname} is a ${verdict} address`));
  }
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<number>((resolveStatus, reject) => {
    const request = send(
      target,
      {
        method: 'POST',
        // `traceparent`: the receiver's spans can join the verification's trace.
        headers: { ...headers, ...traceHeaders(), 'content-length': Buffer.byteLength(body) },
        signal: AbortSignal.timeout(timeoutMs),
        ...(allowPrivateNetworks ? {} : { lookup: publicOnlyLookup(resolve) }),
      },
      (response) => {
        response.resume(); // the answer's body is not needed, only its status
        resolveStatus(response.statusCode ?? 0);
      },
    );
    request.once('error', reject);
    request.end(body);
  });
}
