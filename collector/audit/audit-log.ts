// The audit log writer and reader. One writer per process (`instance`) owns a hash chain: records get their seq and
// hash synchronously, in the order actions happen, and are inserted in order, in batches, one insert at a time.
// A failed insert keeps its records queued (retried with the same dedup token); close() flushes what is left.
import type { Logger } from 'pino';
import { CHAIN_GENESIS, canonicalJson, chainHash, checkChain, type ChainCheck } from '../../lib/integrity/hash-chain.js';
import type { Storage } from '../../lib/storage/storage.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';

export interface AuditEntry {
  /** Token name, or "" when the token was not recognised. */
  readonly actor: string;
  readonly role: string;
  /** e.g. silence.create, report.download, request (plain token use). */
  readonly action: string;
  readonly method: string;
  /** What was acted on: a route with its ids, a pair name. */
  readonly target: string;
  readonly status: number;
  readonly detail: Readonly<Record<string, unknown>>;
  /** The client address as fastify sees it. */
  readonly remote: string;
}

/** A stored audit row; `detail` is the canonical JSON text that was hashed. */
export interface AuditRecord {
  readonly instance: string;
  readonly seq: number;
  /** Epoch ms. */
  readonly ts: number;
  readonly actor: string;
  readonly role: string;
  readonly action: string;
  readonly method: string;
  readonly target: string;
  readonly status: number;
  readonly detail: string;
  readonly remote: string;
  readonly prevHash: string;
  readonly recordHash: string;
}

export interface InstanceChain {
  readonly instance: string;
  readonly check: ChainCheck;
  /** The seq of the first broken record, when broken. */
  readonly brokenSeq?: number;
  /** For this process's own chain: records it wrote that are no longer stored at the end (tail deleted). */
  readonly missingTail?: string;
}

export interface AuditLogOptions {
  readonly storage: Storage;
  readonly instance: string;
  readonly logger: Logger;
  readonly now?: () => number;
  /** @default 250 */
  readonly flushIntervalMs?: number;
  /** @default 500 */
  readonly maxBatch?: number;
}

type HashedFields = Omit<AuditRecord, 'prevHash' | 'recordHash'>;

function hashed(r: AuditRecord): HashedFields {
  return { instance: r.instance, seq: r.seq, ts: r.ts, actor: r.actor, role: r.role, action: r.action, method: r.method, target: r.target, status: r.status, detail: r.detail, remote: r.remote };
}

interface AuditRow {
  instance: string; seq: number | string; ts: number | string; actor: string; role: string; action: string; method: string; target: string;
  status: number | string; detail: string; remote: string; prev_hash: string; record_hash: string;
}

const COLUMNS = 'instance, seq, toUnixTimestamp64Milli(ts) AS ts, actor, role, action, method, target, status, detail, remote, prev_hash, record_hash';

function fromRow(r: AuditRow): AuditRecord {
  return {
    instance: r.instance, seq: Number(r.seq), ts: Number(r.ts), actor: r.actor, role: r.role, action: r.action, method: r.method, target: r.target,
    status: Number(r.status), detail: r.detail, remote: r.remote, prevHash: r.prev_hash, recordHash: r.record_hash,
  };
}

export class AuditLog {
  readonly instance: string;
  readonly #storage: Storage;
  readonly #table: string;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #maxBatch: number;
  readonly #flushIntervalMs: number;
  #seq = 0;
  #head = CHAIN_GENESIS;
  #pending: AuditRecord[] = [];
  /** Size of a batch whose insert failed: retried as the same batch so its dedup token stays valid. */
  #retrySize: number | undefined;
  #writing: Promise<void> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: AuditLogOptions) {
    this.instance = options.instance;
    this.#storage = options.storage;
    this.#table = qualified(options.storage.database, TABLES.auditLog);
    this.#logger = options.logger;
    this.#now = options.now ?? Date.now;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#flushIntervalMs = options.flushIntervalMs ?? 250;
  }

  /** Continues this instance's chain from its newest stored record. */
  async open(): Promise<void> {
    const rows = await this.#storage.query<{ seq: number | string; record_hash: string }>(
      `SELECT seq, record_hash FROM ${this.#table} WHERE instance = {instance:String} ORDER BY seq DESC LIMIT 1`,
      { instance: this.instance },
    );
    const last = rows[0];
    if (last !== undefined) {
      this.#seq = Number(last.seq);
      this.#head = last.record_hash;
    }
  }

  /** Appends an entry to the chain (synchronously: order is the order of calls) and schedules its insert. */
  record(entry: AuditEntry): AuditRecord {
    if (this.#closed) throw new Error('audit log is closed');
    const fields: HashedFields = {
      instance: this.instance, seq: this.#seq + 1, ts: this.#now(), actor: entry.actor, role: entry.role, action: entry.action,
      method: entry.method, target: entry.target, status: entry.status, detail: canonicalJson(entry.detail), remote: entry.remote,
    };
    const recordHash = chainHash(this.#head, fields);
    const record: AuditRecord = { ...fields, prevHash: this.#head, recordHash };
    this.#seq = fields.seq;
    this.#head = recordHash;
    this.#pending.push(record);
    if (this.#pending.length >= this.#maxBatch) void this.flush().catch(() => undefined);
    else this.#timer ??= setTimeout(() => { this.#timer = undefined; void this.flush().catch(() => undefined); }, this.#flushIntervalMs);
    return record;
  }

  /** Resolves once every record made so far is stored; rejects if an insert fails (the records stay queued). */
  flush(): Promise<void> {
    const run = this.#writing.catch(() => undefined).then(() => this.#writePending());
    this.#writing = run;
    return run;
  }

  async #writePending(): Promise<void> {
    while (this.#pending.length > 0) {
      const size = this.#retrySize ?? Math.min(this.#pending.length, this.#maxBatch);
      const batch = this.#pending.slice(0, size);
      const first = batch[0];
      const last = batch[batch.length - 1];
      if (first === undefined || last === undefined) return;
      try {
        await this.#storage.insert(this.#table, batch.map((r) => ({
          instance: r.instance, seq: r.seq, ts: new Date(r.ts).toISOString(), actor: r.actor, role: r.role, action: r.action, method: r.method,
          target: r.target, status: r.status, detail: r.detail, remote: r.remote, prev_hash: r.prevHash, record_hash: r.recordHash,
        })), { dedupToken: `audit:${this.instance}:${first.seq}-${last.seq}` });
      } catch (err) {
        this.#retrySize = size;
        this.#logger.warn({ err, queued: this.#pending.length }, 'audit log insert failed; will retry');
        throw err;
      }
      this.#retrySize = undefined;
      this.#pending.splice(0, size);
    }
  }

  /** Records of every instance from `sinceMs` on, in (ts, instance, seq) order. */
  async list(options: { sinceMs: number; limit: number; instance?: string | undefined; action?: string | undefined }): Promise<AuditRecord[]> {
    const where = ['ts >= fromUnixTimestamp64Milli({since:Int64})'];
    if (options.instance !== undefined) where.push('instance = {instance:String}');
    if (options.action !== undefined) where.push('action = {action:String}');
    const rows = await this.#storage.query<AuditRow>(
      `SELECT ${COLUMNS} FROM ${this.#table} WHERE ${where.join(' AND ')} ORDER BY ts, instance, seq LIMIT {limit:UInt32}`,
      { since: options.sinceMs, limit: options.limit, ...(options.instance === undefined ? {} : { instance: options.instance }), ...(options.action === undefined ? {} : { action: options.action }) },
    );
    return rows.map(fromRow);
  }

  /** Walks every instance's chain from its start; for this process's chain also compares the stored end with its own. */
  async checkChains(): Promise<InstanceChain[]> {
    const instances = await this.#storage.query<{ instance: string }>(`SELECT DISTINCT instance FROM ${this.#table} ORDER BY instance`);
    const names = new Set(instances.map((r) => r.instance));
    if (this.#seq > 0) names.add(this.instance);
    const out: InstanceChain[] = [];
    for (const instance of [...names].sort()) {
      const records: AuditRecord[] = [];
      for await (const row of this.#storage.stream<AuditRow>(`SELECT ${COLUMNS} FROM ${this.#table} WHERE instance = {instance:String} ORDER BY seq`, { instance })) {
        records.push(fromRow(row));
      }
      const check = checkChain(records.map((r) => ({ prevHash: r.prevHash, hash: r.recordHash, record: hashed(r) })));
      const brokenSeq = check.intact ? undefined : records[check.brokenAt]?.seq;
      let missingTail: string | undefined;
      if (instance === this.instance) {
        const stored = records[records.length - 1];
        const written = this.#seq - this.#pending.length;
        if ((stored?.seq ?? 0) < written) missingTail = `this process wrote records up to seq ${written}, but the newest stored one is ${stored?.seq ?? 'none'} (records at the end were deleted)`;
      }
      out.push({ instance, check, ...(brokenSeq === undefined ? {} : { brokenSeq }), ...(missingTail === undefined ? {} : { missingTail }) });
    }
    return out;
  }

  /** Stops the timer and writes everything still queued. */
  async close(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    try {
      await this.flush();
    } catch (err) {
      this.#logger.error({ err, lost: this.#pending.length }, 'audit records could not be stored before shutdown');
    }
    this.#closed = true;
  }
}
