import { startMariaDbPair } from '../test/support/replication/mariadb-pair.js';
import { openStore } from '../verifier/stores/registry.js';
import { runVerify } from '../verifier/run.js';
import { fullScan } from '../bench/full-scan.js';
import { createConnection } from 'mysql2/promise';
const ROWS = Number(process.env['ROWS'] ?? 2000000);
const pair = await startMariaDbPair({ extraArgs: ['--innodb-buffer-pool-size=3G'] });
try {
  const c = await createConnection({ host: '127.0.0.1', port: pair.primary.port, user: 'root', database: 'syncwatch_test', multipleStatements: true });
  await c.query(`SET time_zone='+00:00'; CREATE TABLE bench (id bigint PRIMARY KEY, name varchar(64), amount decimal(12,2), created timestamp(6) NULL, note text); INSERT INTO bench SELECT seq, CONCAT('name ', seq), (seq % 100000) / 100.0, TIMESTAMP'2024-01-01 00:00:00' + INTERVAL seq SECOND, IF(seq % 7 = 0, NULL, MD5(seq)) FROM seq_1_to_${ROWS}`);
  await c.end();
  await new Promise((r) => setTimeout(r, 20000));
  const s = openStore(pair.primaryUrl); const t = openStore(pair.replicaUrl);
  for (let rep = 0; rep < 2; rep++) {
    const scan = await fullScan(s, t, 'bench');
    console.log('scan', scan.ms.toFixed(0), scan.rowHash);
    for (const [conc, chunk] of [[1, 10000], [2, 10000], [3, 10000], [2, 50000]] as const) {
      const t0 = performance.now();
      const r = await runVerify({ source: s, target: t, table: 'bench', concurrency: conc, chunkRows: chunk });
      console.log(`conc ${conc} chunk ${chunk}: ${(performance.now() - t0).toFixed(0)} ms ${r.verdict} rows ${r.source.rows} ${r.target.rows}`);
    }
  }
  await s.close(); await t.close();
} finally { await pair.stop(); }
