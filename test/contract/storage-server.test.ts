// The storage contract against a ClickHouse server via @clickhouse/client, when one is given by env.
import { describe, it } from 'node:test';
import { createStorage } from '../../lib/storage/create-storage.js';
import { storageContract } from './storage.contract.js';

const url = process.env['SYNCWATCH_TEST_CLICKHOUSE_URL'];
if (url === undefined || url === '') {
  describe('Storage contract: ClickHouse server', () => {
    it('is skipped', (t) => {
      t.skip('no ClickHouse server on this machine: set SYNCWATCH_TEST_CLICKHOUSE_URL=http://user:pass@host:8123 to run the server driver');
    });
  });
} else {
  storageContract(`ClickHouse server ${new URL(url).host}`, (database) => createStorage({ dataDir: '.', clickhouseUrl: url, database }));
}
