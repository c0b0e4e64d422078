// Per-test names for databases, tables and topics, so tests never collide with each other or earlier runs.
import { randomBytes } from 'node:crypto';

export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}
