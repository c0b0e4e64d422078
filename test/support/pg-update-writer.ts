// Live writes for verification under replication: ~200 row updates per second (10 random ids every 50 ms) on an
// `orders (id, v, note)` table, until stopped. Shared by the live-replication tests and the live-writes benchmark.
import pg from 'pg';

export interface UpdateWriter {
  /** Stops writing and resolves with the number of row updates made. */
  stop(): Promise<number>;
}

/** Updates rows with ids 1…maxId (the rest stand still) on `url`. */
export function startPgUpdateWriter(url: string, maxId: number): UpdateWriter {
  const client = new pg.Client({ connectionString: url });
  const state = { stopped: false, writes: 0 };
  const loop = (async (): Promise<void> => {
    await client.connect();
    while (!state.stopped) {
      const ids = Array.from({ length: 10 }, () => 1 + Math.floor(Math.random() * maxId));
      await client.query('UPDATE orders SET v = v + 1, note = md5(random()::text) WHERE id = ANY($1::int[])', [ids]);
      state.writes += ids.length;
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  return {
    async stop() {
      state.stopped = true;
      await loop;
      await client.end();
      return state.writes;
    },
  };
}
