// Entry point: dispatches subcommands and maps every failure to one line on stderr and an exit code.
import { describeError, isSyncwatchError } from '../lib/errors.js';
import { formatHelp, type CommandHelp } from './args.js';
import { EXIT } from './exit-codes.js';

interface Command {
  readonly help: CommandHelp;
  /** Runs the command; resolves when a long-running command has started (it then keeps the process alive). */
  run(argv: readonly string[]): Promise<number | undefined>;
}

// Subcommands load on demand: an agent must not pay for the collector, chdb and the verifier's drivers.
const COMMANDS: Readonly<Record<string, () => Promise<Command>>> = {
  serve: async () => { const m = await import('./serve.js'); return { help: m.SERVE_HELP, run: m.runServe }; },
  agent: async () => { const m = await import('./agent.js'); return { help: m.AGENT_HELP, run: m.runAgent }; },
  verify: async () => { const m = await import('./verify.js'); return { help: m.VERIFY_HELP, run: m.runVerify }; },
  report: async () => { const m = await import('./report.js'); return { help: m.REPORT_HELP, run: m.runReport }; },
};

async function mainHelp(): Promise<string> {
  const lines: string[] = [];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(8)}${(await load()).help.summary.split('\n')[0] ?? ''}`);
  return `Usage: syncwatch <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'syncwatch <command> --help' for a command's options.\n`;
}

async function main(argv: readonly string[]): Promise<number | undefined> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(await mainHelp());
    return EXIT.ok;
  }
  const load = COMMANDS[name];
  if (load === undefined) {
    process.stderr.write(`syncwatch: unknown command "${name}"; commands: ${Object.keys(COMMANDS).join(', ')} (see: syncwatch --help)\n`);
    return EXIT.error;
  }
  const command = await load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(formatHelp(command.help));
    return EXIT.ok;
  }
  return command.run(rest);
}

// A reader that stops early (`syncwatch verify … | head`) closes the pipe: what is left has nowhere to go, which is
// not a failure of the command — leave with its exit code, as the default SIGPIPE would, without a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') process.stderr.write(`syncwatch: cannot write the output: ${describeError(err)}\n`);
  process.exit(err.code === 'EPIPE' ? process.exitCode ?? EXIT.ok : EXIT.error);
});

try {
  const code = await main(process.argv.slice(2));
  if (code !== undefined) process.exitCode = code;
} catch (err) {
  // One line (or one line per config problem) and exit 2; never a stack trace for an expected failure.
  const text = isSyncwatchError(err) ? err.message : `unexpected error: ${describeError(err)}`;
  process.stderr.write(`syncwatch: ${text}\n`);
  if (!isSyncwatchError(err) && process.env['SYNCWATCH_DEBUG'] === '1' && err instanceof Error) process.stderr.write(`${err.stack ?? ''}\n`);
  process.exitCode = EXIT.error;
}
