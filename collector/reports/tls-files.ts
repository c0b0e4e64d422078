// server.tls: the PEM files read at start-up; an unreadable file stops start-up naming the config key.
import { readFileSync } from 'node:fs';
import { SyncwatchError, describeError } from '../../lib/errors.js';

export function readTlsFiles(tls: { readonly cert: string; readonly key: string }): { cert: Buffer; key: Buffer } {
  const read = (key: 'cert' | 'key'): Buffer => {
    try {
      return readFileSync(tls[key]);
    } catch (err) {
      throw new SyncwatchError('SW_CONFIG_INVALID', `server.tls.${key}: cannot read ${tls[key]} (${describeError(err)})`, { cause: err });
    }
  };
  return { cert: read('cert'), key: read('key') };
}
