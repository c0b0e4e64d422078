// `npm test`: typecheck-free fast path is `npm run test:unit`; this runs the chosen tiers (default all)
// with shared services (the Kafka broker) started once for the whole run and stopped by PID afterwards.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startSharedServices } from '../test/support/global-setup.js';

const ROOT = new URL('..', import.meta.url).pathname;
const TIERS = ['unit', 'contract', 'integration', 'e2e', 'fault'] as const;

function listTests(dir: string): string[] {
  let out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names.sort()) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) out = out.concat(listTests(full));
    else if (name.endsWith('.test.ts')) out.push(relative(ROOT, full));
  }
  return out;
}

const args = process.argv.slice(2);
const tiers = args.length > 0 ? args : [...TIERS];
const files = tiers.flatMap((tier) => listTests(join(ROOT, 'test', tier)));
if (files.length === 0) {
  console.error(`no test files found for tiers: ${tiers.join(', ')}`);
  process.exit(2);
}

const needsServices = tiers.some((t) => t !== 'unit');
const services = needsServices ? await startSharedServices() : { env: {}, stop: () => Promise.resolve() };

const child = spawn(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...services.env } },
);
const code = await new Promise<number>((resolve) => child.on('exit', (c, signal) => { resolve(c ?? (signal ? 1 : 0)); }));
await services.stop();
process.exit(code);
