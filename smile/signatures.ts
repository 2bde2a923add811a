import { createHmac, timingSafeEqual } from 'node:crypto';

/** `Smile-Signature`: lowercase hex HMAC-SHA512 of the raw body, compared in constant time. */
export function validSmileSignature(rawBody: Buffer, header: string | undefined, secret: string): boolean {
  if (!header || !/^[0-9a-f]{128}$/i.test(header)) return false;
  const expected = createHmac('sha512', secret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(header, 'hex'), expected);
}

/** Smile ID's signature: base64 HMAC-SHA256 of timestamp + partner_id + "sid_request". */
export function smileIdSignature(apiKey: string, timestamp: string, partnerId: string): string {
  return createHmac('sha256', apiKey)
    .update(timestamp + partnerId + 'sid_request')
    .digest('base64');
}

/** A KYC callback is authentic when its signature is Smile ID's for its timestamp, compared in constant time. */
export function validKycSignature(
  body: { signature: string; timestamp: string },
  partnerId: string,
  apiKey: string,
): boolean {
  const expected = Buffer.from(smileIdSignature(apiKey, body.timestamp, partnerId), 'base64');
  const presented = Buffer.from(body.signature, 'base64');
  return presented.length === expected.length && timingSafeEqual(presented, expected);
}

/** How far a KYC callback's timestamp may be from now, either way. */
export const KYC_TIMESTAMP_TOLERANCE_MS = 5 * 60 * 1000;

/** Whether a signed timestamp is recent enough to be a delivery rather than a replay. */
export function kycTimestampIsFresh(timestamp: string, now = Date.now()): boolean {
  const at = Date.parse(timestamp);
  return Number.isFinite(at) && Math.abs(now - at) <= KYC_TIMESTAMP_TOLERANCE_MS;
}
