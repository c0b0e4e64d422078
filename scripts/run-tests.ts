// `npm test`: typecheck-free fast path is `npm run test:unit`; this runs the chosen tiers (default all)
// with shared services (the Kafka broker) started once for the whole run and stopped by PID afterwards.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

const failedList = join(mkdtempSync(join(tmpdir(), 'syncwatch-tests-')), 'failed.txt');

function runFiles(list: readonly string[]): Promise<number> {
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', '--test', '--test-concurrency=1',
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=./scripts/failed-files-reporter.mjs', `--test-reporter-destination=${failedList}`,
      ...list,
    ],
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...services.env } },
  );
  return new Promise<number>((resolve) => child.on('exit', (c, signal) => { resolve(c ?? (signal ? 1 : 0)); }));
}

function failedFiles(): string[] {
  if (!existsSync(failedList)) return [];
  return [...new Set(readFileSync(failedList, 'utf8').split('\n').filter((l) => l !== '').map((f) => relative(ROOT, f)))];
}

let code = await runFiles(files);
const failed = failedFiles();
// Timing-sensitive tests (browsers, brokers, replication) on a shared 2-core machine fail now and then for reasons
// outside the code. Each failing file runs once more; a file that passes then is reported as FLAKY, loudly.
if (code !== 0 && failed.length > 0 && process.env['SYNCWATCH_TEST_NO_RETRY'] !== '1') {
  console.log(`\n# retrying ${failed.length} failing file(s) once: ${failed.join(' ')}\n`);
  code = await runFiles(failed);
  const still = failedFiles();
  if (code === 0) console.log(`\n# FLAKY: failed, then passed on retry: ${failed.join(' ')}`);
  else console.log(`\n# FAILED on retry too: ${still.join(' ') || failed.join(' ')}`);
}
await services.stop();
process.exit(code);
