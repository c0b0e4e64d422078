// Alerting's Prometheus metrics, registered on the collector's registry: syncwatch_<name>_<unit>[_total], labels
// bounded by configuration (rule and receiver names), never by alert label values.
import { Counter, Gauge, type Registry } from 'prom-client';

export interface AlertMetrics {
  readonly transitions: Counter<'rule' | 'event'>;
  readonly active: Gauge<'state'>;
  readonly persistFailures: Counter;
  readonly deliveries: Counter<'receiver' | 'outcome'>;
  readonly outboxPending: Gauge;
}

export function createAlertMetrics(registry: Registry): AlertMetrics {
  const registers = [registry];
  return {
    transitions: new Counter({ name: 'syncwatch_alert_transitions_total', help: 'Alert state transitions and acknowledgements, by rule and event', labelNames: ['rule', 'event'], registers }),
    active: new Gauge({ name: 'syncwatch_alerts', help: 'Alerts by state (pending, firing)', labelNames: ['state'], registers }),
    persistFailures: new Counter({ name: 'syncwatch_alert_store_failures_total', help: 'Alert transitions that could not be stored in ClickHouse after retries', registers }),
    deliveries: new Counter({ name: 'syncwatch_webhook_attempts_total', help: 'Webhook attempts by receiver and outcome (delivered, retrying, failed = gave up)', labelNames: ['receiver', 'outcome'], registers }),
    outboxPending: new Gauge({ name: 'syncwatch_webhook_outbox_pending', help: 'Notifications stored and not yet delivered or given up', registers }),
  };
}
