// Applies the configured retention to the points and rollup tables. Changed only when it differs from the table's
// current TTL, because MODIFY TTL rewrites existing parts.
import type { Storage } from './storage.js';
import { TABLES, qualified } from './tables.js';

export interface Retention {
  /** Raw points are kept this many days. */
  readonly pointsDays: number;
  /** One-minute rollups are kept this many days. */
  readonly rollupDays: number;
}

const TTL_DAYS = /TTL .*?toIntervalDay\((\d+)\)/;

async function currentDays(storage: Storage, table: string): Promise<number | undefined> {
  const rows = await storage.query<{ engine_full: string }>('SELECT engine_full FROM system.tables WHERE database = {db:String} AND name = {t:String}', {
    db: storage.database,
    t: table,
  });
  const match = TTL_DAYS.exec(rows[0]?.engine_full ?? '');
  return match ? Number(match[1]) : undefined;
}

/** Returns the tables whose TTL was changed. */
export async function applyRetention(storage: Storage, retention: Retention): Promise<string[]> {
  const wanted = [
    { table: TABLES.metricPoints, days: retention.pointsDays, expr: 'toDateTime(ts)' },
    { table: TABLES.metricRollup1m, days: retention.rollupDays, expr: 'ts' },
  ];
  const changed: string[] = [];
  for (const w of wanted) {
    if ((await currentDays(storage, w.table)) === w.days) continue;
    await storage.exec(`ALTER TABLE ${qualified(storage.database, w.table)} MODIFY TTL ${w.expr} + INTERVAL ${Math.trunc(w.days)} DAY`);
    changed.push(w.table);
  }
  return changed;
}
