// Hash chains for tamper evidence: each stored record carries the hash of the record before it (per chain), and its
// own hash covers that link, so editing or deleting any record breaks every hash after it.
import { createHash } from 'node:crypto';

/** The `prev_hash` of a chain's first record. */
export const CHAIN_GENESIS = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth and no whitespace: one text per value, so a hash or signature
 * over it does not depend on property order. Undefined properties are left out, as JSON.stringify does.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${String(value)} has no JSON form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of a record linked to its predecessor: hex SHA-256 of `prevHash` + "\n" + canonical JSON of `record`. */
export function chainHash(prevHash: string, record: unknown): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonicalJson(record)).digest('hex');
}

export interface ChainLink {
  readonly prevHash: string;
  readonly hash: string;
  /** The record's content as hashed (everything but the two hash fields). */
  readonly record: unknown;
}

export type ChainCheck =
  | { readonly intact: true; readonly length: number; readonly head: string }
  | { readonly intact: false; readonly length: number; readonly brokenAt: number; readonly reason: string };

/** Walks links in chain order (oldest first) and reports the first link whose hash or predecessor does not match. */
export function checkChain(links: readonly ChainLink[]): ChainCheck {
  let prev = CHAIN_GENESIS;
  for (const [i, link] of links.entries()) {
    if (link.prevHash !== prev) {
      return { intact: false, length: links.length, brokenAt: i, reason: `record ${i} links to ${link.prevHash.slice(0, 12)}…, but the record before it hashes to ${prev.slice(0, 12)}… (a record was removed or edited)` };
    }
    const expected = chainHash(link.prevHash, link.record);
    if (expected !== link.hash) return { intact: false, length: links.length, brokenAt: i, reason: `record ${i} does not match its hash (it was edited)` };
    prev = link.hash;
  }
  return { intact: true, length: links.length, head: prev };
}
