// Agents that produce numbered points at a steady rate through the real spool and shipper, for fault tests that
// count what arrived against what was produced.
import { join } from 'node:path';
import { createAgent, type Agent } from '../../agents/agent.js';
import { createSilentLogger } from '../../lib/log.js';
import type { Storage } from '../../lib/storage/storage.js';
import { createSequenceProbe, SEQUENCE_METRIC, type SequenceProbe } from './sequence-probe.js';
import { waitFor } from './wait-for.js';

export interface SequenceAgents {
  /** Stops producing, waits until every spool is empty (all acknowledged), stops the agents; returns points produced. */
  finish(timeoutMs?: number): Promise<number>;
  /** Stops the agents at once (cleanup). */
  stop(): Promise<void>;
}

export async function startSequenceAgents(options: { count: number; collectorUrl: string; token: string; spoolRoot: string; perTick?: number; intervalMs?: number }): Promise<SequenceAgents> {
  const probes: SequenceProbe[] = [];
  const agents: Agent[] = [];
  for (let i = 0; i < options.count; i++) {
    const probe = createSequenceProbe(`agent-${i}`, options.perTick ?? 20, options.intervalMs ?? 100);
    probes.push(probe);
    const agent = createAgent({
      collectorUrl: options.collectorUrl,
      token: options.token,
      agentName: `fault-agent-${i}`,
      spoolDir: join(options.spoolRoot, `spool-${i}`),
      logger: createSilentLogger(),
      probes: [],
      probeInstances: [probe],
      spool: { segmentMaxAgeMs: 200 },
      shipper: { requestTimeoutMs: 5000, backoff: { initialMs: 100, maxMs: 1000 } },
    });
    agents.push(agent);
    await agent.start();
  }
  const stop = async (): Promise<void> => { for (const a of agents) await a.stop(); };
  return {
    stop,
    async finish(timeoutMs = 90_000) {
      for (const p of probes) p.halt();
      const produced = probes.reduce((n, p) => n + p.produced, 0);
      // A collection counted as produced may still be on its way into the spool; wait until it is there.
      await waitFor('the last collections to reach the spools', () => probes.every((p) => p.settled), { timeoutMs, intervalMs: 50 });
      // On a timeout, say where each agent stands (spooled points, failures, the last error) so a failure can be read.
      await waitFor('agent spools to drain', () => agents.every((a) => (a.stats().spool?.points ?? 1) === 0), { timeoutMs, intervalMs: 250 }).catch((err: unknown) => {
        const state = agents.map((a, i) => {
          const { spool, shipper } = a.stats();
          return `agent-${i}: ${spool?.points ?? '?'} points spooled, ${shipper?.batchesSent ?? '?'} batches sent, ${shipper?.consecutiveFailures ?? '?'} consecutive failures, last error ${shipper?.lastError ?? 'none'}`;
        });
        throw new Error(`${err instanceof Error ? err.message : String(err)}; ${state.join('; ')}`);
      });
      await stop();
      return produced;
    },
  };
}

/** Total and distinct (source, value) sequence points stored. */
export async function countSequencePoints(storage: Storage): Promise<{ total: number; distinct: number }> {
  const rows = await storage.query<{ total: number; distinct: number }>(
    `SELECT count() AS total, uniqExact(labels['source'], value) AS distinct FROM ${storage.database}.metric_points WHERE metric = {m:String}`,
    { m: SEQUENCE_METRIC },
  );
  return rows[0] ?? { total: 0, distinct: 0 };
}
