// Bearer tokens with roles: stored as SHA-256 hashes, compared in constant time, never logged.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Role, TokenEntry } from '../config/schema.js';

/** What each role may do; an endpoint names one permission. */
export const PERMISSIONS = {
  ingest: ['agent', 'admin'],
  read: ['viewer', 'auditor', 'admin'],
  report: ['auditor', 'admin'],
  admin: ['admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export interface Principal {
  readonly name: string;
  readonly role: Role;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** A new random token; the role is in the prefix so a leaked token is easy to recognise and revoke. */
export function generateToken(role: Role): string {
  return `sw_${role}_${randomBytes(24).toString('base64url')}`;
}

export function allows(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export class TokenStore {
  readonly #entries: readonly { readonly name: string; readonly role: Role; readonly digest: Buffer }[];

  constructor(entries: readonly TokenEntry[]) {
    this.#entries = Object.freeze(entries.map((e) => ({ name: e.name, role: e.role, digest: Buffer.from(e.sha256, 'hex') })));
  }

  get size(): number {
    return this.#entries.length;
  }

  /** The principal owning `token`, or undefined. Every entry is compared, so timing does not reveal which matched. */
  authenticate(token: string): Principal | undefined {
    const digest = createHash('sha256').update(token, 'utf8').digest();
    let found: Principal | undefined;
    for (const entry of this.#entries) {
      if (timingSafeEqual(entry.digest, digest) && found === undefined) found = { name: entry.name, role: entry.role };
    }
    return found;
  }
}
