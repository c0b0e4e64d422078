// Webhook signatures: HMAC-SHA256 with the receiver's secret over `timestamp + "." + body`, sent as
// `X-Syncwatch-Signature: t=<unix seconds>,v1=<hex>`. The timestamp is inside the signed text so that a captured
// request cannot be replayed later with a fresh timestamp; receivers reject signatures older than a few minutes.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-syncwatch-signature';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** Hex HMAC-SHA256 of `${timestampSeconds}.${body}`. */
export function computeSignature(secret: string, timestampSeconds: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`, 'utf8').digest('hex');
}

/** The header value for a body sent at `nowMs`. */
export function signatureHeader(secret: string, nowMs: number, body: string): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${computeSignature(secret, t, body)}`;
}

export type SignatureCheck = { readonly ok: true; readonly timestamp: number } | { readonly ok: false; readonly reason: string };

/** Verifies a header against the raw body, accepting timestamps within `toleranceSeconds` of `nowMs`. */
export function verifySignature(secret: string, header: string | undefined, body: string, nowMs: number, toleranceSeconds = 300): SignatureCheck {
  if (header === undefined) return { ok: false, reason: 'missing signature header' };
  const parts = new Map(header.split(',').map((p) => { const i = p.indexOf('='); return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const; }));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed signature header' };
  if (Math.abs(nowMs / 1000 - t) > toleranceSeconds) return { ok: false, reason: 'timestamp outside the tolerance' };
  const expected = Buffer.from(computeSignature(secret, t, body), 'hex');
  return timingSafeEqual(expected, Buffer.from(v1, 'hex')) ? { ok: true, timestamp: t } : { ok: false, reason: 'signature does not match' };
}
