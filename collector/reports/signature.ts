// Signing and offline verification of report documents `{body, signature}`: Ed25519 over canonicalJson(body).
// Verification needs only node:crypto and the public keys, so an auditor can check a filed report without the server.
import { createPublicKey, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../lib/integrity/hash-chain.js';
import { SIGNATURE_ALGORITHM, keyFingerprint } from './signing-keys.js';

export interface SignatureBlock {
  readonly keyId: string;
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  /** Base64 Ed25519 signature of the UTF-8 bytes of canonicalJson(body). */
  readonly signature: string;
  /** What was signed, for a reader re-implementing the check. */
  readonly signed: 'canonicalJson(body)';
}

export interface SignedDocument<B> {
  readonly body: B;
  readonly signature: SignatureBlock;
}

export function signBody<B>(body: B, keyId: string, privateKey: KeyObject): SignedDocument<B> {
  const signature = sign(null, Buffer.from(canonicalJson(body), 'utf8'), privateKey).toString('base64');
  return { body, signature: { keyId, algorithm: SIGNATURE_ALGORITHM, signature, signed: 'canonicalJson(body)' } };
}

export type VerifyOutcome = { readonly valid: true; readonly keyId: string } | { readonly valid: false; readonly reason: string };

/** Public keys from a PEM text, a `GET /api/v1/reports/keys` answer, or a JSON array of key objects. */
export function parsePublicKeys(text: string): Map<string, KeyObject> {
  const keys = new Map<string, KeyObject>();
  const trimmed = text.trim();
  if (trimmed.startsWith('-----BEGIN')) {
    for (const pem of trimmed.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g) ?? []) {
      const key = createPublicKey(pem);
      keys.set(keyFingerprint(key), key);
    }
    return keys;
  }
  const value: unknown = JSON.parse(trimmed);
  const list: unknown = Array.isArray(value) ? value : (value as { keys?: unknown }).keys;
  if (!Array.isArray(list)) throw new Error('expected PEM, or JSON with a "keys" array');
  for (const item of list as unknown[]) {
    const pem = (item as { publicKeyPem?: unknown }).publicKeyPem;
    if (typeof pem !== 'string') continue;
    // The id is recomputed from the key itself: a keys file cannot claim another key's id.
    const key = createPublicKey(pem);
    keys.set(keyFingerprint(key), key);
  }
  return keys;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Checks a parsed report document against the given public keys (by key id). */
export function verifyDocument(doc: unknown, keys: ReadonlyMap<string, KeyObject>): VerifyOutcome {
  if (!isRecord(doc)) return { valid: false, reason: 'not a JSON object' };
  if (!isRecord(doc['body'])) return { valid: false, reason: 'no "body" object' };
  const sig = doc['signature'];
  if (!isRecord(sig)) return { valid: false, reason: 'no "signature" object' };
  const { keyId, algorithm, signature } = sig;
  if (algorithm !== SIGNATURE_ALGORITHM) return { valid: false, reason: `signature.algorithm is ${JSON.stringify(algorithm)}, expected "${SIGNATURE_ALGORITHM}"` };
  if (typeof keyId !== 'string') return { valid: false, reason: 'signature.keyId missing' };
  if (typeof signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(signature)) return { valid: false, reason: 'signature.signature is not base64' };
  const key = keys.get(keyId);
  if (key === undefined) return { valid: false, reason: `no public key with id ${keyId} among the ${keys.size} given` };
  let body: string;
  try {
    body = canonicalJson(doc['body']);
  } catch (err) {
    return { valid: false, reason: `body cannot be serialised: ${err instanceof Error ? err.message : String(err)}` };
  }
  const ok = verify(null, Buffer.from(body, 'utf8'), key, Buffer.from(signature, 'base64'));
  return ok ? { valid: true, keyId } : { valid: false, reason: `signature does not match the body under key ${keyId} (the report was altered, or signed by another key)` };
}
