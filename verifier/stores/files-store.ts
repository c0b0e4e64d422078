// File-tree store, `file:///abs/dir`: the "table" is a directory under it (`.` for the root itself), one row per
// entry below it, keyed by the relative path ('/'-separated, ordered by UTF-8 bytes). Columns: kind, size (files),
// mode (permission bits, octal), target (symlink text; links are never followed) and content (xxh64 of the bytes,
// files only). Rows stream from an ordered walk and are hashed in this process (run.ts's streamed path); asking
// only for metadata columns (`--columns kind,mode`) skips reading file contents altogether.
import { stat } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SyncwatchError, isSyncwatchError } from '../../lib/errors.js';
import { encodeValue, type CanonicalField } from '../canonical/encode.js';
import type { Column } from '../canonical/logical-type.js';
import type { KeyRange } from '../key-range.js';
import type { CanonicalRow } from '../row-diff.js';
import type { ReadSpec, Store, StoreHealth, StreamOptions, TableDescription } from '../store.js';
import { checkSpec, inProcessOps, pastUpper } from './files-inprocess-ops.js';
import { hashFile, loadFileHasher, orderedMap } from './files-hash.js';
import { entryOf, walkTree, type TreeEntry } from './files-walk.js';

const KIND = 'file-tree';
/** Big files (streamed, asynchronous reads) hashed at once per side; small ones are hashed synchronously in order. */
const HASH_CONCURRENCY = 4;
const DEFAULT_BATCH = 5_000;
const YIELD_EVERY_MS = 10;

export const FILE_COLUMNS: readonly Column[] = [
  { name: 'path', engineType: 'path', type: { kind: 'text' } },
  { name: 'kind', engineType: 'file|dir|symlink|fifo|socket|device', type: { kind: 'text' } },
  { name: 'size', engineType: 'bytes (files)', type: { kind: 'int' } },
  { name: 'mode', engineType: 'octal permission bits', type: { kind: 'text' } },
  { name: 'target', engineType: 'symlink text', type: { kind: 'text' } },
  { name: 'content', engineType: 'xxh64 of the bytes (files)', type: { kind: 'text' } },
];

type Field = (entry: TreeEntry, content: string | null) => string | number | null;
const FIELDS: Readonly<Record<string, Field>> = {
  path: (e) => e.path,
  kind: (e) => e.kind,
  size: (e) => e.size,
  mode: (e) => e.mode,
  target: (e) => e.target,
  content: (_e, c) => c,
};

function usage(message: string): SyncwatchError {
  return new SyncwatchError('SW_USAGE', message);
}

/** The root directory of a `file:` URL (local only: an empty host or `localhost`). */
export function parseFileUrl(url: URL): string {
  if (url.protocol !== 'file:') throw usage(`file-tree URL: expected file:///abs/dir, got ${url.protocol}//`);
  if (url.host !== '' && url.host !== 'localhost') throw usage(`file-tree URL ${url.href}: only local paths (file:///abs/dir)`);
  const dir = fileURLToPath(url);
  if (dir === sep) throw usage('file-tree URL: give a directory below /, e.g. file:///srv/data');
  return dir.length > 1 && dir.endsWith(sep) ? dir.slice(0, -1) : dir;
}

/** The table's directory: `.` is the root; a relative path below it otherwise (no `..`, not absolute). */
export function tableDir(root: string, table: string): string {
  const t = table.trim();
  if (t === '' || t === '.') return root;
  if (isAbsolute(t) || t.split(/[\\/]/).includes('..')) throw usage(`--table: ${JSON.stringify(table)} must be . or a directory below the store root`);
  return resolve(root, t);
}

/** File-system errors (EACCES, EIO, …) → a store error naming the path; the store's own errors pass through. */
function translate(err: unknown): unknown {
  if (isSyncwatchError(err) || (err instanceof Error && err.name === 'AbortError')) return err;
  return new SyncwatchError('SW_STORE_QUERY_FAILED', `${KIND}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Canonical row of `entry` for the spec's columns (the content hash already computed, or null). */
function rowOf(spec: ReadSpec, entry: TreeEntry, content: string | null): CanonicalRow {
  return spec.columns.map((rc): CanonicalField => {
    const field = FIELDS[rc.column.name];
    if (field === undefined) throw new SyncwatchError('SW_INTERNAL', `${KIND}: no column ${rc.column.name}`);
    const value = field(entry, content);
    // This runs per entry and column: texts are canonical as they are, sizes are safe integers (their decimal
    // text is canonical); any other compare type (another store on the other side) goes through encode.ts.
    if (value === null || (typeof value === 'string' && rc.as.kind === 'text')) return value;
    if (typeof value === 'number' && rc.as.kind === 'int') return String(value);
    return encodeValue(rc.as, value);
  });
}

/** Opens a file-tree store; nothing is read until a call needs it. */
export function createFilesStore(url: URL): Store {
  const root = parseFileUrl(url);
  const needsContent = (spec: ReadSpec): boolean => spec.columns.some((c) => c.column.name === 'content');
  /** The entry's row; synchronous unless the file is big enough to be hashed in streamed, asynchronous reads. */
  const withContent = (spec: ReadSpec, entry: TreeEntry): CanonicalRow | undefined | Promise<CanonicalRow | undefined> => {
    if (entry.kind !== 'file' || !needsContent(spec)) return rowOf(spec, entry, null);
    const content = hashFile(entry.abs, entry.size ?? 0);
    const finish = (c: string | undefined): CanonicalRow | undefined => (c === undefined ? undefined : rowOf(spec, entry, c));
    return content instanceof Promise ? content.then(finish) : finish(content);
  };

  async function* streamRows(spec: ReadSpec, range: KeyRange, options: StreamOptions = {}): AsyncGenerator<readonly CanonicalRow[]> {
    checkSpec(KIND, spec, ['path']);
    await loadFileHasher();
    const dir = tableDir(root, spec.table);
    const lower = range.lower?.[0] ?? null;
    const upper = range.upper?.[0] ?? null;
    const lowerBytes = lower === null ? null : Buffer.from(lower, 'utf8');
    async function* inRange(): AsyncGenerator<TreeEntry> {
      for await (const e of walkTree(dir, { lower, upper }, '', options.signal)) {
        if (pastUpper([e.path], spec, range)) return;
        if (lowerBytes === null || Buffer.compare(Buffer.from(e.path, 'utf8'), lowerBytes) >= 0) yield e;
      }
    }
    const size = options.batchSize ?? DEFAULT_BATCH;
    let batch: CanonicalRow[] = [];
    try {
      let slice = performance.now();
      for await (const row of orderedMap(inRange(), HASH_CONCURRENCY, (e) => withContent(spec, e))) {
        // Small files hash synchronously and resolved awaits are only microtasks: give timers and sockets (a
        // `serve` process running this verification) a turn every few milliseconds.
        if (performance.now() - slice > YIELD_EVERY_MS) {
          await yieldToLoop();
          slice = performance.now();
        }
        if (row === undefined) continue;
        batch.push(row);
        if (batch.length >= size) {
          yield batch;
          batch = [];
        }
      }
    } catch (err) {
      throw translate(err);
    }
    if (batch.length > 0) yield batch;
  }

  return {
    kind: KIND,
    displayUrl: url.href,
    async describe(table): Promise<TableDescription> {
      const dir = tableDir(root, table);
      const st = await stat(dir).catch(() => undefined);
      if (!st?.isDirectory()) throw new SyncwatchError('SW_STORE_TABLE_NOT_FOUND', `${KIND}: ${dir} is not a directory`);
      return { table, columns: FILE_COLUMNS, primaryKey: ['path'] };
    },
    ...inProcessOps(KIND, streamRows),
    streamRows,
    async fetchRows(spec, keys) {
      checkSpec(KIND, spec, ['path']);
      const dir = tableDir(root, spec.table);
      const out: CanonicalRow[] = [];
      for (const [path] of keys) {
        if (path === undefined || path.split('/').includes('..')) continue;
        const entry = entryOf(join(dir, path), path);
        const row = entry === undefined ? undefined : await withContent(spec, entry);
        if (row !== undefined) out.push(row);
      }
      return out;
    },
    async check(): Promise<StoreHealth> {
      try {
        const st = await stat(root);
        return st.isDirectory() ? { ok: true, detail: `directory ${root}` } : { ok: false, error: `${root} is not a directory` };
      } catch (err) {
        return { ok: false, error: `${root}: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
    close: () => Promise.resolve(),
  };
}
