// Headless Chromium (the Debian package) driven by playwright-core, for the dashboard tests.
// playwright-core downloads no browser of its own, so a missing Chromium fails at once with the install command.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { SyncwatchError } from '../../lib/errors.js';

/** Where Debian installs Chromium; SYNCWATCH_TEST_CHROMIUM points elsewhere. */
export const CHROMIUM_PATH = process.env['SYNCWATCH_TEST_CHROMIUM'] ?? '/usr/bin/chromium';

/** Flags for a quiet, sandbox-less headless run as root in a container, with no traffic beyond loopback. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches headless Chromium; rejects with "missing Chromium: apt-get install -y chromium" when it is not installed. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new SyncwatchError('SW_SERVICE_MISSING', `missing Chromium: apt-get install -y chromium (looked for ${CHROMIUM_PATH}; set SYNCWATCH_TEST_CHROMIUM to use another binary)`);
  }
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
}
