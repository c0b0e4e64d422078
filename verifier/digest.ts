// Row hashes and chunk digests. A chunk digest is (row count, sum of 64-bit row hashes mod 2^64): addition is
// order-independent like XOR, but two identical wrong rows do not cancel, and the count catches pure duplicates.
import { createHash } from 'node:crypto';
import xxhash from 'xxhash-wasm';
import { rowText, type CanonicalField } from './canonical/encode.js';

const MOD = 1n << 64n;

/** A key range's digest on one side: how many rows, and the sum of their row hashes modulo 2^64. */
export interface ChunkDigest {
  readonly count: number;
  /** In [0, 2^64). */
  readonly hash: bigint;
}

/**
 * `md5-64`: the first 8 bytes (big-endian) of MD5 of the canonical row text — what every SQL engine here can
 * compute inside the database. `xxh64`: xxHash64 (seed 0) of the same text, for rows hashed in-process.
 * Both sides of one comparison always use the same algorithm.
 */
export type PortableRowHash = 'md5-64' | 'xxh64';

/**
 * An engine's own 64-bit row hash, used only when both sides are the same engine with identical column types
 * (canonical/SPEC.md, "Native row hashes"): several times cheaper than md5-64 over canonical text, but not
 * comparable across engines and with no in-process twin.
 */
export type NativeRowHash = 'pg-hash-record-64' | 'mariadb-crc32-crc32c';

export type RowHashAlgo = PortableRowHash | NativeRowHash;

export const EMPTY_DIGEST: ChunkDigest = Object.freeze({ count: 0, hash: 0n });

/** Normalises any integer (e.g. a signed SQL sum) into [0, 2^64). */
export function mod64(n: bigint): bigint {
  return ((n % MOD) + MOD) % MOD;
}

/** The digest of the union of two disjoint ranges. */
export function combineDigests(a: ChunkDigest, b: ChunkDigest): ChunkDigest {
  return { count: a.count + b.count, hash: (a.hash + b.hash) % MOD };
}

export function digestsEqual(a: ChunkDigest, b: ChunkDigest): boolean {
  return a.count === b.count && a.hash === b.hash;
}

/** `count:hash16` — the evidence form printed in results. */
export function formatDigest(d: ChunkDigest): string {
  return `${d.count}:${d.hash.toString(16).padStart(16, '0')}`;
}

/** MD5-64 of a canonical row text; the in-process twin of the SQL row hash. */
export function md5Row64(text: string): bigint {
  return createHash('md5').update(text, 'utf8').digest().readBigUInt64BE(0);
}

/** Hashes canonical rows with `algo`; async because xxhash-wasm instantiates WebAssembly once. */
export type RowHasher = (fields: readonly CanonicalField[]) => bigint;

let xxh: Promise<Awaited<ReturnType<typeof xxhash>>> | undefined;

export async function createRowHasher(algo: PortableRowHash): Promise<RowHasher> {
  switch (algo) {
    case 'md5-64':
      return (fields) => md5Row64(rowText(fields));
    case 'xxh64': {
      xxh ??= xxhash();
      const api = await xxh;
      return (fields) => api.h64(rowText(fields));
    }
  }
}

/** Accumulates rows into a digest, e.g. for a chunk that is streamed rather than digested in the database. */
export class DigestBuilder {
  #count = 0;
  #sum = 0n;
  readonly #hash: RowHasher;

  constructor(hash: RowHasher) {
    this.#hash = hash;
  }

  add(fields: readonly CanonicalField[]): void {
    this.#count += 1;
    this.#sum = (this.#sum + this.#hash(fields)) % MOD;
  }

  get digest(): ChunkDigest {
    return { count: this.#count, hash: this.#sum };
  }
}
