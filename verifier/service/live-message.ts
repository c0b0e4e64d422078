// What the `runs` WebSocket topic carries: a verification run as it starts and as it finishes.
import type { VerificationRun } from '../runs/run-types.js';

export interface RunsLiveMessage {
  readonly type: 'run';
  readonly event: 'started' | 'resumed' | 'finished';
  readonly run: VerificationRun;
}
