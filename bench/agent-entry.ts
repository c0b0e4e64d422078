// An entry point that runs only the `agent` subcommand, for the footprint benchmark: bundled, it shows what the
// agent costs when the CLI does not load the collector (fastify, chdb) to run an agent. Accepts the same
// arguments as `syncwatch agent …`, with or without the leading `agent`.
import { runAgent } from '../cli/agent.js';

const argv = process.argv.slice(2);
await runAgent(argv[0] === 'agent' ? argv.slice(1) : argv);
