// File content hashes (xxHash64, seed 0, as 16 lowercase hex digits) and an order-keeping bounded-concurrency map,
// so that many files are read at once while rows still leave in path order.
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import xxhash from 'xxhash-wasm';

/**
 * Files up to this size are read with synchronous calls into one reused buffer and hashed at once: from the page
 * cache that is a few microseconds, where the thread-pool round trips of async reads cost 3-4 times the whole
 * verification. Bigger files stream through xxhash-wasm's incremental hasher, asynchronously.
 */
const WHOLE_FILE_BYTES = 1 << 20;
const CHUNK_BYTES = 1 << 20;

type Xxh = Awaited<ReturnType<typeof xxhash>>;
let loading: Promise<Xxh> | undefined;
let api: Xxh | undefined;
let small = Buffer.allocUnsafe(64 << 10);

const hex = (h: bigint): string => h.toString(16).padStart(16, '0');

const vanished = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ELOOP';
};

/** Loads xxhash-wasm once; call before `hashFile`. */
export async function loadFileHasher(): Promise<void> {
  loading ??= xxhash();
  api = await loading;
}

async function hashStreamed(x: Xxh, abs: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
  try {
    const h = x.create64();
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK_BYTES, null);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
    }
    return hex(h.digest());
  } finally {
    await fh.close();
  }
}

/**
 * The xxh64 of the file's bytes, or undefined when the file vanished or turned into a symlink since it was listed
 * (O_NOFOLLOW: a link swapped in after the lstat is not followed). `size` is the size the walk saw; a small file
 * is hashed synchronously (the result is a string, not a promise), unless it grew past the limit meanwhile.
 */
export function hashFile(abs: string, size: number): string | undefined | Promise<string | undefined> {
  const x = api;
  if (x === undefined) return loadFileHasher().then(() => hashFile(abs, size));
  if (size > WHOLE_FILE_BYTES) return hashStreamed(x, abs);
  let fd: number;
  try {
    fd = openSync(abs, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (vanished(err)) return undefined;
    throw err;
  }
  try {
    if (small.length < size + 1) small = Buffer.allocUnsafe(Math.min(WHOLE_FILE_BYTES + 1, Math.max(size + 1, small.length * 2)));
    let length = 0;
    for (;;) {
      const n = readSync(fd, small, length, small.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === small.length) return hashStreamed(x, abs); // grew since the walk saw it
    }
    return hex(x.h64Raw(small.subarray(0, length)));
  } finally {
    closeSync(fd);
  }
}

/** `fn` over `source` with at most `limit` calls in flight, results in source order. */
export async function* orderedMap<T, R>(source: AsyncIterable<T>, limit: number, fn: (item: T) => R | Promise<R>): AsyncGenerator<R> {
  const pending: (R | Promise<R>)[] = [];
  try {
    for await (const item of source) {
      const p = fn(item);
      // Awaited in order below; an early failure must not count as unhandled meanwhile.
      if (p instanceof Promise) p.catch(() => undefined);
      pending.push(p);
      // Results already there (synchronous ones) leave at once; otherwise only when `limit` are in flight.
      while (pending.length >= limit || (pending.length > 0 && !(pending[0] instanceof Promise))) yield await (pending.shift() as R | Promise<R>);
    }
    while (pending.length > 0) yield await (pending.shift() as R | Promise<R>);
  } finally {
    // Stopped early: let the reads in flight finish (and close their files) before returning.
    await Promise.allSettled(pending);
  }
}
