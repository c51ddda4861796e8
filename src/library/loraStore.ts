// Stored LoRA files: IndexedDB, in the models' database, as Blob chunks (<= 64 MiB) and one record per LoRA. The
// chunks are written first and the record last, so a failed or interrupted write never leaves a LoRA that looks
// whole (ModelStore.reconcile ignores these keys; a half-written LoRA's chunks are removed by `sweep`).
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { StudioError } from '../lib/errors.ts';
import { isQuotaError, MAX_CHUNK_BYTES } from './store.ts';

export interface LoraRecord {
  id: string;
  name: string;
  bytes: number;
  chunks: number;
  source: 'file' | 'url';
  url?: string;
  modules: number;
  unmatched: string[];
  addedAt: number; // ms since epoch
}

type Key = [string, ...(string | number)[]];
const recKey = (id: string): Key => ['lora', id];
const chunkKey = (id: string, i: number): Key => ['lora-chunk', id, i];

export class LoraLibrary {
  readonly db: UseStore;
  constructor(db?: UseStore) {
    this.db = db ?? createStore('zimage-models', 'files');
  }

  list(): Promise<LoraRecord[]> {
    return this.db('readonly', (s) => promisifyRequest(s.getAll(IDBKeyRange.bound(['lora'], ['lora', []])) as IDBRequest<LoraRecord[]>));
  }

  get(id: string): Promise<LoraRecord | undefined> {
    return this.db('readonly', (s) => promisifyRequest(s.get(recKey(id)) as IDBRequest<LoraRecord | undefined>));
  }

  /** Stores `blob` under a new id; `rec` is the record minus what storing decides. */
  async add(blob: Blob, rec: Omit<LoraRecord, 'id' | 'bytes' | 'chunks' | 'addedAt'>): Promise<LoraRecord> {
    const existing = (await this.list()).find((r) => r.name === rec.name && r.bytes === blob.size);
    if (existing) return existing; // the same file again
    const id = `lora-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
    const chunks = Math.ceil(blob.size / MAX_CHUNK_BYTES);
    try {
      for (let i = 0; i < chunks; i++) {
        const part = new Blob([await blob.slice(i * MAX_CHUNK_BYTES, (i + 1) * MAX_CHUNK_BYTES).arrayBuffer()]);
        await this.db('readwrite', (s) => {
          s.put(part, chunkKey(id, i));
          return promisifyRequest(s.transaction);
        });
      }
      const full: LoraRecord = { ...rec, id, bytes: blob.size, chunks, addedAt: Date.now() };
      await this.db('readwrite', (s) => {
        s.put(full, recKey(id));
        return promisifyRequest(s.transaction);
      });
      return full;
    } catch (err) {
      await this.delete(id);
      if (isQuotaError(err)) throw new StudioError('storage-quota', "The browser's storage is full, so the LoRA was not kept; free space or delete a model set, then try again.");
      throw err;
    }
  }

  /** The stored file as one Blob over its chunks (no copy). */
  async open(id: string): Promise<Blob> {
    const rec = await this.get(id);
    if (!rec) throw new StudioError('bad-request', 'That LoRA is no longer stored; import it again.');
    const parts: Blob[] = [];
    for (let i = 0; i < rec.chunks; i++) {
      const b = await this.db('readonly', (s) => promisifyRequest(s.get(chunkKey(id, i)) as IDBRequest<Blob | undefined>));
      if (!b) throw new StudioError('integrity', `Part ${i} of the LoRA ${rec.name} is missing from storage; delete it and import it again.`);
      parts.push(b);
    }
    return new Blob(parts);
  }

  delete(id: string): Promise<void> {
    return this.db('readwrite', (s) => {
      s.delete(recKey(id));
      s.delete(IDBKeyRange.bound(['lora-chunk', id], ['lora-chunk', id, []]));
      return promisifyRequest(s.transaction);
    });
  }
}
