// The storage contract against the embedded driver (chdb), in a temp data directory.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStorage } from '../../lib/storage/create-storage.js';
import { storageContract } from './storage.contract.js';

const dataDir = mkdtempSync(join(tmpdir(), 'sw-chdb-'));
storageContract('embedded chdb', (database) => createStorage({ dataDir, database }));
