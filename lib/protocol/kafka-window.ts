// Kafka consumer window states (in the spirit of Burrow) as they travel in points: one gauge per partition whose
// value is the state's code. The Kafka lag probe encodes with these; the alert engine's kafka_window rules decode.

/** Ordered by severity; a state's code is its index. */
export const KAFKA_WINDOW_STATES = ['OK', 'WARN', 'STALL', 'STOP', 'ERR'] as const;
export type KafkaWindowState = (typeof KAFKA_WINDOW_STATES)[number];

/** Gauge per consumer group, topic and partition: the code of the window state. */
export const KAFKA_WINDOW_METRIC = 'kafka_partition_window_status';

/** The value a point carries for `state`. */
export function kafkaWindowCode(state: KafkaWindowState): number {
  return KAFKA_WINDOW_STATES.indexOf(state);
}

/** The state a point's value stands for, or undefined for a value that is not a state code. */
export function kafkaWindowState(code: number): KafkaWindowState | undefined {
  return Number.isInteger(code) ? KAFKA_WINDOW_STATES[code] : undefined;
}
