// Batches ClickHouse refuses for good, kept on disk instead of holding the flusher forever. Each `.json` file is the
// ingest body exactly as the agent sent it, with the reason beside it in `.reason.txt`, so an operator can fix the
// cause and POST the file again (same batch id: anything of it already stored is not stored twice).
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import type { ReceivedBatch } from '../../lib/storage/metric-points.js';

export interface QuarantinedBatch {
  readonly path: string;
  readonly batch: IngestBatch;
  /** Why ClickHouse refused it. */
  readonly reason: string;
}

async function writeDurably(path: string, text: string): Promise<void> {
  const file = await open(`${path}.tmp`, 'w');
  try {
    await file.writeFile(text);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(`${path}.tmp`, path);
}

export class Quarantine {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  /** Writes the batch and its reason durably; returns the batch file's path. */
  async put(record: ReceivedBatch, reason: string): Promise<string> {
    const base = join(this.#dir, `${String(record.receivedAt)}-${record.batch.batchId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 150)}`);
    // The reason first: a crash in between leaves a stray reason file, never a batch without one.
    await writeDurably(`${base}.reason.txt`, `${reason}\n`);
    await writeDurably(`${base}.json`, JSON.stringify(record.batch));
    return `${base}.json`;
  }

  /** Every batch set aside so far, oldest first. */
  list(): QuarantinedBatch[] {
    return readdirSync(this.#dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((f) => {
        const path = join(this.#dir, f);
        const reasonPath = path.replace(/\.json$/, '.reason.txt');
        let reason = '';
        try {
          reason = readFileSync(reasonPath, 'utf8').trim();
        } catch {
          // A batch file is only renamed into place after its reason; a missing one means it was deleted by hand.
        }
        return { path, batch: JSON.parse(readFileSync(path, 'utf8')) as IngestBatch, reason };
      });
  }
}
