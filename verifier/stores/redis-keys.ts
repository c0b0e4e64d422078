// SCAN returns keys in hash-table order, possibly more than once; rows must leave in (bucket, key) order, each once.
// Keys are sorted in memory up to `spillAt` of them; past that, every key goes to one of 64 files on disk by its
// bucket's top bits and the files are sorted one at a time, so memory holds about a 64th of the keyspace at most.
import { appendFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUCKET_BITS, bucketOf, compareBucketed, keyText, type XxhApi } from './redis-canonical.js';

export interface BucketedKey {
  readonly bucket: number;
  readonly key: Buffer;
  readonly text: string;
}

const PARTITION_BITS = 6;
const PARTITIONS = 1 << PARTITION_BITS;
export const DEFAULT_SPILL_AT = 250_000;

function sortUnique(keys: BucketedKey[]): BucketedKey[] {
  keys.sort(compareBucketed);
  const out: BucketedKey[] = [];
  for (const k of keys) {
    const prev = out.at(-1);
    if (prev === undefined || compareBucketed(prev, k) !== 0) out.push(k);
  }
  return out;
}

const partitionOf = (bucket: number): number => bucket >> (BUCKET_BITS - PARTITION_BITS);

class Spill {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }

  static async create(): Promise<Spill> {
    return new Spill(await mkdtemp(join(tmpdir(), 'syncwatch-redis-keys-')));
  }

  file(p: number): string {
    return join(this.#dir, `p${p}`);
  }

  /** Appends the keys (hex, one a line) to their partitions' files. */
  async write(keys: readonly BucketedKey[]): Promise<void> {
    const lines: string[][] = Array.from({ length: PARTITIONS }, () => []);
    for (const k of keys) lines[partitionOf(k.bucket)]?.push(k.key.toString('hex'));
    for (const [p, ls] of lines.entries()) if (ls.length > 0) await appendFile(this.file(p), `${ls.join('\n')}\n`);
  }

  async read(p: number, x: XxhApi): Promise<BucketedKey[]> {
    const text = await readFile(this.file(p), 'latin1').catch(() => '');
    return text.split('\n').filter((l) => l !== '').map((hex) => {
      const key = Buffer.from(hex, 'hex');
      return { bucket: bucketOf(x, key), key, text: keyText(key) };
    });
  }

  close(): Promise<void> {
    return rm(this.#dir, { recursive: true, force: true });
  }
}

/** Groups of keys, each sorted and free of repeats, groups in ascending order: together, every key once, in order. */
export async function* orderedKeys(scan: AsyncIterable<readonly Buffer[]>, x: XxhApi, spillAt = DEFAULT_SPILL_AT): AsyncGenerator<BucketedKey[]> {
  let held: BucketedKey[] = [];
  let spill: Spill | undefined;
  try {
    for await (const page of scan) {
      for (const key of page) held.push({ bucket: bucketOf(x, key), key, text: keyText(key) });
      if (held.length >= spillAt) {
        spill ??= await Spill.create();
        await spill.write(held);
        held = [];
      }
    }
    if (spill === undefined) {
      yield sortUnique(held);
      return;
    }
    await spill.write(held);
    held = [];
    for (let p = 0; p < PARTITIONS; p++) yield sortUnique(await spill.read(p, x));
  } finally {
    await spill?.close();
  }
}
