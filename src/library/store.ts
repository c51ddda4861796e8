// IndexedDB storage of model files: Blob chunks (<= 64 MiB) plus a manifest per file and per set, through
// idb-keyval with a dedicated database. A chunk and the manifest entry that records it are written in ONE
// transaction, so the manifest never names a chunk that is not there; start-up reconciliation removes whatever a
// crash left half-said (chunks no manifest names, manifests whose chunks were evicted).
import { createStore, promisifyRequest, type UseStore } from 'idb-keyval';
import { StudioError } from '../lib/errors.ts';
import type { ErrorData } from '../lib/errors.ts';
import type { Sha256State } from '../lib/sha256.ts';
import type { CatalogFile, CatalogSet, FileRole, FileStatus, SetOrigin } from './managerTypes.ts';

export const MAX_CHUNK_BYTES = 64 * 1024 * 1024;

export interface FileRecord {
  setId: string;
  name: string;
  role: FileRole;
  url: string;
  /** Total size in bytes once known (from the catalog or the server). */
  bytes: number | null;
  /** The publisher's SHA-256, when the catalog gives one. */
  expectedSha256: string | null;
  /** Fixed when the file record is made: resuming with another chunk size would misplace bytes. Multiple of 64. */
  chunkSize: number; // bytes
  /** Indices of the stored chunks, ascending. */
  done: number[];
  /** Chunks [0, hashed) are folded into hashState (a chunk is a multiple of 64 bytes, so the state has no tail). */
  hashed: number;
  hashState: Sha256State | null;
  status: FileStatus;
  /** The verified digest: the publisher's, or computed when the file had none. */
  sha256: string | null;
  /** ETag or Last-Modified seen when the download began; a change means the server's file changed. */
  validator: string | null;
  rangeSupport: boolean | null;
}

export interface SetRecord {
  id: string;
  origin: SetOrigin;
  /** The definition the files were stored under (a copy, so that a catalog update cannot reinterpret them). */
  definition: CatalogSet;
  /** Files added to the set after it was stored (a catalog ControlNet), downloaded and verified like its own. */
  addOns?: CatalogFile[];
  lastError?: ErrorData;
  updatedAt: number; // ms since epoch
}

type Key = [string, ...(string | number)[]];
const setKey = (id: string): Key => ['set', id];
const fileKey = (setId: string, name: string): Key => ['file', setId, name];
const chunkKey = (setId: string, name: string, i: number): Key => ['chunk', setId, name, i];
const sourceKey = (id: string): Key => ['source', id];

export function chunkCount(rec: Pick<FileRecord, 'bytes' | 'chunkSize'>): number {
  return rec.bytes === null ? 0 : Math.ceil(rec.bytes / rec.chunkSize);
}

export function chunkLength(rec: Pick<FileRecord, 'bytes' | 'chunkSize'>, i: number): number {
  return Math.min(rec.chunkSize, (rec.bytes ?? 0) - i * rec.chunkSize);
}

export function storedBytes(rec: FileRecord): number {
  let n = 0;
  for (const i of rec.done) n += chunkLength(rec, i);
  return n;
}

/** The number of chunks stored without a gap from chunk 0. */
export function contiguousPrefix(done: number[]): number {
  let k = 0;
  while (k < done.length && done[k] === k) k++;
  return k;
}

export function isQuotaError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { name?: string }).name === 'QuotaExceededError';
}

export class ModelStore {
  readonly db: UseStore;

  constructor(db?: UseStore) {
    this.db = db ?? createStore('zimage-models', 'files');
  }

  private get<T>(key: Key): Promise<T | undefined> {
    return this.db('readonly', (s) => promisifyRequest(s.get(key) as IDBRequest<T | undefined>));
  }

  private put(key: Key, value: unknown): Promise<void> {
    return this.db('readwrite', (s) => {
      s.put(value, key);
      return promisifyRequest(s.transaction);
    });
  }

  private delRange(lower: IDBValidKey[], upper: IDBValidKey[]): Promise<void> {
    return this.db('readwrite', (s) => {
      s.delete(IDBKeyRange.bound(lower, upper));
      return promisifyRequest(s.transaction);
    });
  }

  getSet(id: string): Promise<SetRecord | undefined> {
    return this.get<SetRecord>(setKey(id));
  }

  putSet(rec: SetRecord): Promise<void> {
    return this.put(setKey(rec.id), rec);
  }

  async listSets(): Promise<SetRecord[]> {
    return this.db('readonly', (s) =>
      promisifyRequest(s.getAll(IDBKeyRange.bound(['set'], ['set', []])) as IDBRequest<SetRecord[]>),
    );
  }

  getFile(setId: string, name: string): Promise<FileRecord | undefined> {
    return this.get<FileRecord>(fileKey(setId, name));
  }

  putFile(rec: FileRecord): Promise<void> {
    return this.put(fileKey(rec.setId, rec.name), rec);
  }

  listFiles(setId: string): Promise<FileRecord[]> {
    return this.db('readonly', (s) =>
      promisifyRequest(s.getAll(IDBKeyRange.bound(['file', setId], ['file', setId, []])) as IDBRequest<FileRecord[]>),
    );
  }

  /** Stores chunk i and records it in the file manifest (via `update`) in one transaction. */
  commitChunk(rec: FileRecord, i: number, blob: Blob, update: (r: FileRecord) => FileRecord): Promise<FileRecord> {
    return this.db('readwrite', (s) => {
      let out: FileRecord | undefined;
      s.put(blob, chunkKey(rec.setId, rec.name, i));
      const req = s.get(fileKey(rec.setId, rec.name)) as IDBRequest<FileRecord | undefined>;
      req.onsuccess = () => {
        if (!req.result) {
          s.transaction.abort(); // the file was deleted meanwhile: do not leave an orphan chunk
          return;
        }
        out = update(req.result);
        s.put(out, fileKey(rec.setId, rec.name));
      };
      return promisifyRequest(s.transaction).then(
        () => out as FileRecord,
        (err: unknown) => {
          if (isQuotaError(err)) throw err;
          if (!out) throw new StudioError('cancelled', `${rec.name} was deleted while it was being stored.`);
          throw err;
        },
      );
    });
  }

  /** Read-modify-write of a file manifest in one transaction. */
  updateFile(setId: string, name: string, update: (r: FileRecord) => FileRecord): Promise<FileRecord | undefined> {
    return this.db('readwrite', (s) => {
      let out: FileRecord | undefined;
      const req = s.get(fileKey(setId, name)) as IDBRequest<FileRecord | undefined>;
      req.onsuccess = () => {
        if (!req.result) return;
        out = update(req.result);
        s.put(out, fileKey(setId, name));
      };
      return promisifyRequest(s.transaction).then(() => out);
    });
  }

  getChunk(setId: string, name: string, i: number): Promise<Blob | undefined> {
    return this.get<Blob>(chunkKey(setId, name, i));
  }

  /** Drops every stored chunk of a file and resets its manifest to empty (used after an integrity failure). */
  async discardFile(setId: string, name: string): Promise<void> {
    await this.db('readwrite', (s) => {
      s.delete(IDBKeyRange.bound(['chunk', setId, name], ['chunk', setId, name, []]));
      const req = s.get(fileKey(setId, name)) as IDBRequest<FileRecord | undefined>;
      req.onsuccess = () => {
        if (!req.result) return;
        const r: FileRecord = { ...req.result, done: [], hashed: 0, hashState: null, status: 'absent', sha256: null, validator: null };
        s.put(r, fileKey(setId, name));
      };
      return promisifyRequest(s.transaction);
    });
  }

  /** Removes a set's chunks, file manifests and set manifest. */
  async deleteSet(setId: string): Promise<void> {
    await this.delRange(['chunk', setId], ['chunk', setId, []]);
    await this.delRange(['file', setId], ['file', setId, []]);
    await this.db('readwrite', (s) => {
      s.delete(setKey(setId));
      return promisifyRequest(s.transaction);
    });
  }

  async deleteFileRecord(setId: string, name: string): Promise<void> {
    await this.delRange(['chunk', setId, name], ['chunk', setId, name, []]);
    await this.db('readwrite', (s) => {
      s.delete(fileKey(setId, name));
      return promisifyRequest(s.transaction);
    });
  }

  /**
   * A Blob over a file's chunks in order. The chunk Blobs that IndexedDB returns are backed by its storage, and
   * `new Blob(parts)` references them without copying, so slicing this reads only the bytes asked for.
   */
  async openFile(rec: FileRecord): Promise<Blob> {
    const n = chunkCount(rec);
    const parts: Blob[] = [];
    for (let i = 0; i < n; i++) {
      const b = await this.getChunk(rec.setId, rec.name, i);
      if (!b || b.size !== chunkLength(rec, i))
        throw new StudioError('integrity', `Chunk ${i} of ${rec.name} is missing or damaged in storage. Verify the set, then download it again.`);
      parts.push(b);
    }
    return new Blob(parts);
  }

  listSources(): Promise<CatalogSet[]> {
    return this.db('readonly', (s) =>
      promisifyRequest(s.getAll(IDBKeyRange.bound(['source'], ['source', []])) as IDBRequest<CatalogSet[]>),
    );
  }

  putSource(def: CatalogSet): Promise<void> {
    return this.put(sourceKey(def.id), def);
  }

  deleteSource(id: string): Promise<void> {
    return this.db('readwrite', (s) => {
      s.delete(sourceKey(id));
      return promisifyRequest(s.transaction);
    });
  }

  /**
   * Makes the manifests agree with the chunks actually present: chunks no manifest names are deleted, chunks a
   * manifest names but that are gone are forgotten (and the file downgraded to partial), hash states that reach
   * past the stored prefix are dropped. Returns how many things it fixed.
   */
  async reconcile(): Promise<number> {
    const keys = await this.db('readonly', (s) => promisifyRequest(s.getAllKeys() as IDBRequest<IDBValidKey[]>));
    const chunks = new Map<string, Set<number>>();
    const fileIds = new Set<string>();
    const setIds = new Set<string>();
    const id2 = (a: unknown, b: unknown) => JSON.stringify([a, b]);
    for (const k of keys) {
      if (!Array.isArray(k)) continue;
      if (k[0] === 'chunk') {
        const id = id2(k[1], k[2]);
        if (!chunks.has(id)) chunks.set(id, new Set());
        chunks.get(id)?.add(k[3] as number);
      } else if (k[0] === 'file') fileIds.add(id2(k[1], k[2]));
      else if (k[0] === 'set') setIds.add(k[1] as string);
    }
    let fixes = 0;
    const orphanChunks: Key[] = [];
    for (const [id, idx] of chunks) {
      if (fileIds.has(id)) continue;
      const [setId, name] = JSON.parse(id) as [string, string];
      for (const i of idx) orphanChunks.push(chunkKey(setId, name, i));
    }
    for (const id of fileIds) {
      const [setId, name] = JSON.parse(id) as [string, string];
      if (!setIds.has(setId)) {
        await this.deleteFileRecord(setId, name);
        fixes++;
        continue;
      }
      const rec = await this.getFile(setId, name);
      if (!rec) continue;
      const present = chunks.get(id) ?? new Set<number>();
      const n = chunkCount(rec);
      const done = rec.done.filter((i) => present.has(i) && i < n);
      for (const i of present) if (!rec.done.includes(i) || i >= n) orphanChunks.push(chunkKey(setId, name, i));
      const lost = done.length !== rec.done.length;
      const prefix = contiguousPrefix(done);
      let next = rec;
      if (lost || rec.hashed > prefix) {
        const complete = n > 0 && done.length === n;
        next = {
          ...rec,
          done,
          hashed: rec.hashed > prefix ? 0 : rec.hashed,
          hashState: rec.hashed > prefix ? null : rec.hashState,
          status: done.length === 0 ? 'absent' : complete && !lost ? rec.status : 'partial',
          sha256: lost ? null : rec.sha256,
        };
      }
      if (next !== rec) {
        await this.putFile(next);
        fixes++;
      }
    }
    if (orphanChunks.length > 0) {
      await this.db('readwrite', (s) => {
        for (const k of orphanChunks) s.delete(k);
        return promisifyRequest(s.transaction);
      });
      fixes += orphanChunks.length;
    }
    return fixes;
  }
}
