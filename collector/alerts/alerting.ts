// Composition of alerting in the collector: rules engine, ClickHouse persistence, live pushes, grouping and
// the webhook outbox. Every transition is stored (in order, before any notification that reports it), pushed
// to the `alerts` topic and handed to the notifier. At start-up, alert state, silences, what each group last
// told its receiver and unfinished deliveries are read back, so a restart neither repeats nor loses a notification.
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Clock } from '../../lib/clock.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import type { HealthResult, Storage } from '../../lib/storage/storage.js';
import type { LiveHub } from '../live/hub.js';
import type { Delivery } from '../webhooks/delivery.js';
import { Outbox } from '../webhooks/outbox.js';
import { createOutboxStore, type OutboxStore } from '../webhooks/outbox-store.js';
import { postWebhook } from '../webhooks/post-webhook.js';
import { resolveReceiver, type Receiver } from '../webhooks/receivers.js';
import { createAlertMetrics, type AlertMetrics } from './alert-metrics.js';
import { toView, type AlertView } from './alert-record.js';
import { createAlertStore } from './alert-store.js';
import type { AlertsConfig } from './config.js';
import { AlertEngine, type AckResult, type AlertEvent } from './engine.js';
import { Notifier } from './notifier.js';
import { createRouter } from './routing.js';
import { Silences, type Silence } from './silences.js';
import { storeInOrder } from './store-queue.js';

export interface AlertingDeps {
  /** Checked at config load (alertsConfigProblems). */
  readonly config: AlertsConfig;
  readonly storage: Storage;
  readonly hub: LiveHub;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly registry: Registry;
  /** Base URL receivers link back to (known once the server listens). */
  externalUrl(): string;
  readonly env?: NodeJS.ProcessEnv;
}

/** What the API routes and the ingest hook use. */
export interface Alerting {
  /** Evaluates accepted points (the ingest route's onAccepted listener). */
  observe(points: readonly Point[], receivedAt: number): void;
  listAlerts(): AlertView[];
  getAlert(id: string): AlertView | undefined;
  acknowledge(id: string, by: string): AckResult;
  readonly silences: Silences;
  /** Call after a silence was created or expired: re-examines notifications. */
  silencesChanged(message: { event: 'created' | 'expired'; silence: Silence }): void;
  readonly deliveries: Pick<OutboxStore, 'list'>;
  check(): Promise<HealthResult>;
  close(): Promise<void>;
}

/** Absence rules learn the label sets seen in the last day, so a source that stays silent after a restart is noticed. */
const ABSENCE_LOOKBACK_MS = 24 * 3600 * 1000;

export async function startAlerting(deps: AlertingDeps): Promise<Alerting> {
  const { config, storage, hub, clock, logger } = deps;
  const metrics: AlertMetrics = createAlertMetrics(deps.registry);
  const receivers = new Map<string, Receiver>(config.receivers.map((r) => [r.name, resolveReceiver(r, deps.env ?? process.env)]));
  const alertStore = createAlertStore(storage);
  const outboxStore = createOutboxStore(storage);
  const silences = new Silences(storage);
  const queue = storeInOrder(logger, () => { metrics.persistFailures.inc(); });
  const silencedBy = (labels: Readonly<Record<string, string>>): string[] => silences.matching(labels, clock.now());

  const outbox = new Outbox({
    store: outboxStore,
    receivers,
    clock,
    logger,
    attempt: postWebhook,
    onOutcome: (d) => { reportAttempt(d, deps, metrics); },
  });
  const memories = await outboxStore.loadGroupMemories();
  const notifier = new Notifier(
    {
      router: createRouter(config.route),
      clock,
      logger,
      isSilenced: (a) => silencedBy(a.labels).length > 0,
      // The notification is stored only after every transition it reports, so a crash between the two can
      // never leave the outbox saying more than the alert state does.
      send: async (n, nextFiring) => {
        await queue.idle();
        await outbox.enqueue(n, nextFiring);
      },
      externalUrl: () => deps.externalUrl(),
    },
    memories,
  );
  const onEvent = (e: AlertEvent): void => {
    metrics.transitions.inc({ rule: e.alert.rule, event: e.kind });
    queue.push(() => alertStore.record(e));
    hub.publish('alerts', { type: 'alert', event: e.kind, at: e.at, alert: toView(e.alert, silencedBy(e.alert.labels)) });
    notifier.update(e.alert);
  };
  const engine = new AlertEngine(config.rules, onEvent);

  await silences.load(clock.now());
  const told = new Set<string>();
  for (const m of memories.values()) for (const id of m.lastFiring) told.add(id);
  const records = await alertStore.load(told);
  engine.restore(records, clock.now());
  for (const r of records) if (r.state.kind === 'firing' || r.state.kind === 'resolved') notifier.update(r);
  await seedAbsence(storage, config, engine, clock.now());
  await outbox.start();

  const sweep = startSweep(config.sweepIntervalMs, { clock, engine, notifier, silences, outbox, metrics });
  return {
    observe(points, receivedAt) {
      // The batch is already durable: a bug in evaluation must not turn its acknowledgement into an error.
      try {
        engine.observe(points, receivedAt);
      } catch (err) {
        logger.error({ err }, 'alert evaluation failed for a batch');
      }
    },
    listAlerts: () => engine.list().map((a) => toView(a, silencedBy(a.labels))),
    getAlert: (id) => { const a = engine.get(id); return a === undefined ? undefined : toView(a, silencedBy(a.labels)); },
    acknowledge: (id, by) => engine.acknowledge(id, by, clock.now()),
    silences,
    silencesChanged(message) {
      hub.publish('alerts', { type: 'silence', ...message });
      notifier.refresh();
    },
    deliveries: outboxStore,
    check: () => Promise.resolve({ ok: true, detail: `${config.rules.length} rules, ${engine.list().filter((a) => a.state.kind === 'firing').length} firing, ${outbox.pending} notifications undelivered` }),
    async close() {
      clearInterval(sweep);
      await notifier.close();
      await outbox.close();
      await queue.idle();
    },
  };
}

/** Metrics, log line and live report of one webhook attempt outcome (no secret, no URL, no body). */
function reportAttempt(d: Delivery, deps: AlertingDeps, metrics: AlertMetrics): void {
  metrics.deliveries.inc({ receiver: d.receiver, outcome: d.status });
  const fields = { delivery: d.id, receiver: d.receiver, group: d.groupKey, attempts: d.attempts, error: d.lastError };
  if (d.status === 'retrying') deps.logger.warn(fields, 'webhook attempt failed; retrying');
  if (d.status !== 'failed') return;
  deps.logger.error(fields, 'webhook notification given up');
  deps.hub.publish('alerts', {
    type: 'delivery_failed',
    delivery: { id: d.id, receiver: d.receiver, groupKey: d.groupKey, notificationStatus: d.notificationStatus, status: d.status, attempts: d.attempts, createdAt: d.createdAt, updatedAt: deps.clock.now(), lastHttpStatus: d.lastHttpStatus, lastError: d.lastError },
  });
}

/** The timer: absence and `for` promotion, silence windows, repeats, and the state gauges. */
function startSweep(intervalMs: number, parts: { clock: Clock; engine: AlertEngine; notifier: Notifier; silences: Silences; outbox: Outbox; metrics: AlertMetrics }): NodeJS.Timeout {
  const { clock, engine, notifier, silences, outbox, metrics } = parts;
  let lastSweep = clock.now();
  return setInterval(() => {
    const now = clock.now();
    engine.sweep(now);
    if (silences.changedBetween(lastSweep, now)) notifier.refresh();
    notifier.tick(now);
    lastSweep = now;
    const alerts = engine.list();
    metrics.active.set({ state: 'pending' }, alerts.filter((a) => a.state.kind === 'pending').length);
    metrics.active.set({ state: 'firing' }, alerts.filter((a) => a.state.kind === 'firing').length);
    metrics.outboxPending.set(outbox.pending);
  }, intervalMs);
}

async function seedAbsence(storage: Storage, config: AlertsConfig, engine: AlertEngine, now: number): Promise<void> {
  const points = qualified(storage.database, TABLES.metricPoints);
  for (const rule of config.rules) {
    if (rule.kind !== 'absence') continue;
    const rows = await storage.query<{ labels: Record<string, string> }>(
      `SELECT DISTINCT labels FROM ${points} WHERE metric = {metric:String} AND received_at > fromUnixTimestamp64Milli({since:Int64})`,
      { metric: rule.metric, since: now - ABSENCE_LOOKBACK_MS },
    );
    // Seen "now": the collector was down, not the sources; each gets a full silentForMs to report again.
    for (const r of rows) engine.seen(rule.name, r.labels, now);
  }
}
