// kafkajs client factory: one place for client settings and for routing kafkajs logs into pino.
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from 'pino';

export interface KafkaOptions {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly logger: Logger;
}

const LEVELS: Readonly<Record<number, 'error' | 'warn' | 'info' | 'debug'>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'debug',
  [logLevel.DEBUG]: 'debug',
};

export function createKafka(options: KafkaOptions): Kafka {
  const log = options.logger.child({ component: 'kafka' });
  return new Kafka({
    clientId: options.clientId,
    brokers: [...options.brokers],
    connectionTimeout: 3000,
    // kafkajs INFO lines (joins, rebalances) are routine; they become debug lines here.
    logLevel: logLevel.INFO,
    logCreator: () => (entry: LogEntry) => {
      const level = LEVELS[entry.level] ?? 'debug';
      const { message, ...rest } = entry.log;
      log[level]({ namespace: entry.namespace, ...rest }, message);
    },
    retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 5000 },
  });
}
