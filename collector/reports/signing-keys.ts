// Ed25519 report signing keys in `<dataDir>/report-keys/`: generated on first start, rotatable. Retired keys keep
// only their public half (a report they signed stays verifiable; nothing new can be signed with them).
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SyncwatchError } from '../../lib/errors.js';

export const SIGNATURE_ALGORITHM = 'Ed25519';
const MANIFEST = 'keys.json';

export interface PublicKeyInfo {
  /** Fingerprint: the first 32 hex digits of SHA-256 over the raw 32-byte public key. */
  readonly keyId: string;
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  readonly publicKeyPem: string;
  /** The raw public key, base64 (for tools that do not read PEM). */
  readonly publicKeyRaw: string;
  readonly createdAt: string;
  /** When a newer key replaced it; null for the current key. */
  readonly retiredAt: string | null;
  readonly current: boolean;
}

interface ManifestEntry {
  readonly keyId: string;
  readonly createdAt: string;
  readonly retiredAt: string | null;
}

/** Raw 32-byte Ed25519 public key of a key object. */
export function rawPublicKey(key: KeyObject): Buffer {
  const jwk = key.export({ format: 'jwk' });
  if (typeof jwk.x !== 'string') throw new SyncwatchError('SW_INTERNAL', 'not an Ed25519 public key');
  return Buffer.from(jwk.x, 'base64url');
}

export function keyFingerprint(publicKey: KeyObject): string {
  return createHash('sha256').update(rawPublicKey(publicKey)).digest('hex').slice(0, 32);
}

function writePrivate(path: string, text: string): void {
  // Written under a temporary name with mode 0600 from the start, then renamed: never readable by others.
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function parseManifest(text: string, file: string): ManifestEntry[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SyncwatchError('SW_CONFIG_INVALID', `${file}: not valid JSON; restore it from a backup or move the report-keys directory away to start a new key set`);
  }
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new SyncwatchError('SW_CONFIG_INVALID', `${file}: "keys" must be an array`);
  return keys.map((k: unknown, i) => {
    const e = k as Partial<ManifestEntry>;
    if (typeof e.keyId !== 'string' || !/^[0-9a-f]{32}$/.test(e.keyId) || typeof e.createdAt !== 'string') {
      throw new SyncwatchError('SW_CONFIG_INVALID', `${file}: keys[${i}] must have a keyId (32 hex digits) and createdAt`);
    }
    return { keyId: e.keyId, createdAt: e.createdAt, retiredAt: typeof e.retiredAt === 'string' ? e.retiredAt : null };
  });
}

/** The signing keys of one data directory. One process rotates at a time (rotation is an admin action). */
export class ReportKeyRing {
  readonly dir: string;
  #entries: ManifestEntry[];
  #publicKeys = new Map<string, KeyObject>();
  #signingKey: KeyObject;

  private constructor(dir: string, entries: ManifestEntry[], signingKey: KeyObject) {
    this.dir = dir;
    this.#entries = entries;
    this.#signingKey = signingKey;
    for (const e of entries) this.#publicKeys.set(e.keyId, createPublicKey(readFileSync(join(dir, `${e.keyId}.pub.pem`), 'utf8')));
  }

  /** Loads `<dataDir>/report-keys`, generating the first key when there is none. */
  static open(dataDir: string, now: Date = new Date()): ReportKeyRing {
    const dir = join(dataDir, 'report-keys');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const manifestFile = join(dir, MANIFEST);
    if (!existsSync(manifestFile)) {
      const first = generate(dir, now);
      writeManifest(dir, [first]);
    }
    const entries = parseManifest(readFileSync(manifestFile, 'utf8'), manifestFile);
    const current = entries.find((e) => e.retiredAt === null);
    if (current === undefined) throw new SyncwatchError('SW_CONFIG_INVALID', `${manifestFile}: no current (unretired) key`);
    const privateFile = join(dir, `${current.keyId}.key.pem`);
    if (!existsSync(privateFile)) throw new SyncwatchError('SW_CONFIG_INVALID', `${privateFile}: the current report signing key is missing; rotate to a new key (syncwatch report rotate-key --data-dir DIR)`);
    return new ReportKeyRing(dir, entries, createPrivateKey(readFileSync(privateFile, 'utf8')));
  }

  get currentKeyId(): string {
    const current = this.#entries.find((e) => e.retiredAt === null);
    if (current === undefined) throw new SyncwatchError('SW_INTERNAL', 'no current report key');
    return current.keyId;
  }

  get signingKey(): KeyObject {
    return this.#signingKey;
  }

  /** Every public key, current first, then retired ones newest first. */
  publicKeys(): PublicKeyInfo[] {
    return [...this.#entries]
      .sort((a, b) => (a.retiredAt === null ? -1 : b.retiredAt === null ? 1 : b.createdAt.localeCompare(a.createdAt)))
      .map((e) => {
        const key = this.#publicKeys.get(e.keyId);
        if (key === undefined) throw new SyncwatchError('SW_INTERNAL', `public key ${e.keyId} not loaded`);
        return {
          keyId: e.keyId, algorithm: SIGNATURE_ALGORITHM, publicKeyPem: key.export({ type: 'spki', format: 'pem' }).toString(),
          publicKeyRaw: rawPublicKey(key).toString('base64'), createdAt: e.createdAt, retiredAt: e.retiredAt, current: e.retiredAt === null,
        };
      });
  }

  /** Makes a new current key; the old one is retired (its private half deleted, its public half kept). */
  rotate(now: Date = new Date()): PublicKeyInfo {
    const previous = this.currentKeyId;
    const next = generate(this.dir, now);
    const entries = [...this.#entries.map((e) => (e.keyId === previous ? { ...e, retiredAt: now.toISOString() } : e)), next];
    writeManifest(this.dir, entries);
    this.#entries = entries;
    this.#publicKeys.set(next.keyId, createPublicKey(readFileSync(join(this.dir, `${next.keyId}.pub.pem`), 'utf8')));
    this.#signingKey = createPrivateKey(readFileSync(join(this.dir, `${next.keyId}.key.pem`), 'utf8'));
    rmSync(join(this.dir, `${previous}.key.pem`), { force: true });
    const info = this.publicKeys().find((k) => k.keyId === next.keyId);
    if (info === undefined) throw new SyncwatchError('SW_INTERNAL', 'rotated key not listed');
    return info;
  }
}

function generate(dir: string, now: Date): ManifestEntry {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const keyId = keyFingerprint(publicKey);
  writeFileSync(join(dir, `${keyId}.pub.pem`), publicKey.export({ type: 'spki', format: 'pem' }).toString(), { mode: 0o644 });
  writePrivate(join(dir, `${keyId}.key.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return { keyId, createdAt: now.toISOString(), retiredAt: null };
}

function writeManifest(dir: string, entries: readonly ManifestEntry[]): void {
  const file = join(dir, MANIFEST);
  writeFileSync(`${file}.tmp`, `${JSON.stringify({ keys: entries }, null, 2)}\n`, { mode: 0o644 });
  renameSync(`${file}.tmp`, file);
}
