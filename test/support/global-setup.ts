// Services shared by the whole test run (started once by scripts/run-tests.ts): one Kafka broker.
import { describeError } from '../../lib/errors.js';
import { startKafkaBroker } from './kafka-broker.js';
import { ensureKafkaJars } from './kafka-broker-files.js';

export interface SharedServices {
  /** Environment variables handed to every test process, e.g. the Kafka bootstrap address. */
  readonly env: Record<string, string>;
  /** Stops whatever was started (by PID); safe to call when nothing was. */
  stop(): Promise<void>;
}

/**
 * Resolves the Kafka jars if needed and starts one broker for the run. An address already in
 * SYNCWATCH_TEST_KAFKA_BROKERS is used as is. When no broker can be started, the run goes on and
 * every Kafka test fails with the reason (SYNCWATCH_TEST_KAFKA_UNAVAILABLE) instead of the whole run dying.
 */
export async function startSharedServices(): Promise<SharedServices> {
  const given = process.env['SYNCWATCH_TEST_KAFKA_BROKERS'];
  if (given !== undefined && given.trim() !== '') {
    return { env: { SYNCWATCH_TEST_KAFKA_BROKERS: given }, stop: () => Promise.resolve() };
  }
  const startedAt = Date.now();
  try {
    ensureKafkaJars();
    const broker = await startKafkaBroker();
    const brokers = broker.brokers.join(',');
    console.error(`test services: Kafka broker on ${brokers} (pid ${broker.pid}) ready in ${Date.now() - startedAt} ms`);
    return { env: { SYNCWATCH_TEST_KAFKA_BROKERS: brokers }, stop: () => broker.stop() };
  } catch (err) {
    const reason = `the shared Kafka test broker could not be started: ${describeError(err)}`;
    console.error(`test services: ${reason}`);
    return { env: { SYNCWATCH_TEST_KAFKA_UNAVAILABLE: reason }, stop: () => Promise.resolve() };
  }
}
