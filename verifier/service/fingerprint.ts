// The config fingerprint stored with each run: SHA-256 of the pair's canonical config with store passwords redacted,
// so two runs can be shown to have compared the same thing without the fingerprint leaking a secret.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../lib/integrity/hash-chain.js';
import { redactUrl } from '../stores/redact-url.js';
import type { PairConfig } from './config.js';

export function pairFingerprint(pair: PairConfig): string {
  const safe = { ...pair, source: { ...pair.source, url: redactUrl(pair.source.url) }, target: { ...pair.target, url: redactUrl(pair.target.url) } };
  return createHash('sha256').update(canonicalJson(safe)).digest('hex');
}
