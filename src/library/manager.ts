// The model manager the worker exposes: the catalog's sets with what is stored of each, resumable verified
// downloads, local import, verification, deletion, storage estimates, and the loader's way in (openStoredFile).
import type { UseStore } from 'idb-keyval';
import { StudioError, toErrorData } from '../lib/errors.ts';
import { BUILTIN_CATALOG, isOptionalRole } from './catalog.ts';
import { downloadFile, probe, type DownloadConfig } from './download.ts';
import { fetchEmbedded, verifySet } from './integrity.ts';
import { importLocal } from './localImport.ts';
import { controlNetRefusal, withAddOns, type ControlNetEntry } from './controlCatalog.ts';
import { defaultLocks, withSetLock, type LocksLike } from './locks.ts';
import { guardedFetch } from './network.ts';
import { defaultOfflineFlag, type OfflineFlag } from './offline.ts';
import type {
  AddSourceOptions, Catalog, CatalogFile, CatalogSet, FileInfo, FileStatus, ImportItem, ImportOptions, Inspector,
  ModelManagerApi, ProgressCallback, SetInfo, SetOrigin, SetStatus, StorageEstimate, VerifyReport,
} from './managerTypes.ts';
import { ProgressReporter, RateMeter } from './rate.ts';
import { addSource } from './sources.ts';
import { defaultStorage, ensureRoom, estimateStorage, requestPersistence, type StorageLike } from './quota.ts';
import { MAX_CHUNK_BYTES, ModelStore, chunkCount, storedBytes, type FileRecord } from './store.ts';

export interface ModelManagerOptions {
  /** A ModelStore, or an idb-keyval store for one (default: database 'zimage-models', store 'files'). */
  store?: ModelStore | UseStore;
  /** navigator.storage by default; null where there is none (no quota checks). */
  storage?: StorageLike | null;
  /** The transport; whatever it is, every request goes through guardedFetch (network.ts). */
  fetch?: typeof fetch;
  /** The offline-only switch (default: the one in IndexedDB); null: always online. */
  offline?: OfflineFlag | null;
  /** navigator.locks by default: one download of a set at a time across the studio's tabs; null: no locking. */
  locks?: LocksLike | null;
  /** Base for the relative URLs of embedded sets; default: the page origin + Vite's BASE_URL. */
  baseUrl?: string;
  catalog?: Catalog;
  chunkSize?: number; // bytes, a multiple of 64, at most 64 MiB; default 32 MiB
  parallel?: number; // 1..4, default 3
  retries?: number; // default 5
  retryBaseMs?: number; // default 500
  retryMaxMs?: number; // default 8000
  progressIntervalMs?: number; // default 200
  inspector?: Inspector | null;
}

interface Def {
  def: CatalogSet;
  origin: SetOrigin;
}

function defaultBaseUrl(): string | null {
  const loc = (globalThis as { location?: { origin: string } }).location;
  if (!loc) return null;
  return new URL(import.meta.env?.BASE_URL ?? '/', loc.origin).href;
}

function appOriginOf(baseUrl: string | null): string | null {
  if (!baseUrl) return null;
  try {
    return new URL(baseUrl).origin;
  } catch {
    return null;
  }
}

export class ModelManager implements ModelManagerApi {
  readonly store: ModelStore;
  private readonly storage: StorageLike | null;
  private readonly cfg: DownloadConfig;
  private readonly chunkSize: number;
  private readonly catalog: Catalog;
  private readonly baseUrl: string | null;
  private readonly interval: number;
  private inspector: Inspector | null;
  private readonly running = new Map<string, { ctl: AbortController; done: Promise<unknown> }>();
  private readonly ready: Promise<number>;
  private readonly locks: LocksLike | null;

  constructor(opts: ModelManagerOptions = {}) {
    this.store = opts.store instanceof ModelStore ? opts.store : new ModelStore(opts.store);
    this.storage = opts.storage === undefined ? defaultStorage() : opts.storage;
    this.chunkSize = opts.chunkSize ?? 32 * 1024 * 1024;
    if (this.chunkSize % 64 !== 0 || this.chunkSize <= 0 || this.chunkSize > MAX_CHUNK_BYTES)
      throw new StudioError('bad-request', `chunkSize must be a positive multiple of 64 bytes up to 64 MiB, not ${this.chunkSize}.`);
    const parallel = Math.max(1, Math.min(4, opts.parallel ?? 3));
    this.cfg = {
      fetch: guardedFetch(opts.fetch ?? ((...a: Parameters<typeof fetch>) => globalThis.fetch(...a)), {
        offline: opts.offline === undefined ? defaultOfflineFlag() : opts.offline,
        appOrigin: appOriginOf(opts.baseUrl ?? defaultBaseUrl()),
      }),
      parallel,
      retries: opts.retries ?? 5,
      retryBaseMs: opts.retryBaseMs ?? 500,
      retryMaxMs: opts.retryMaxMs ?? 8000,
    };
    this.catalog = opts.catalog ?? BUILTIN_CATALOG;
    this.baseUrl = opts.baseUrl ?? defaultBaseUrl();
    this.interval = opts.progressIntervalMs ?? 200;
    this.inspector = opts.inspector ?? null;
    this.locks = opts.locks === undefined ? defaultLocks() : opts.locks;
    // Reconcile once before anything reads the manifests; its failure surfaces on the first call.
    this.ready = this.store.reconcile();
  }

  setInspector(inspector: Inspector | null): void {
    this.inspector = inspector;
  }

  private async defs(): Promise<Map<string, Def>> {
    await this.ready;
    const out = new Map<string, Def>();
    for (const def of this.catalog.sets) out.set(def.id, { def, origin: 'builtin' });
    for (const def of await this.store.listSources()) if (!out.has(def.id)) out.set(def.id, { def, origin: 'custom' });
    // Stored sets whose definition is gone from the catalog (or imports) stay visible, so they can be deleted.
    for (const r of await this.store.listSets()) if (!out.has(r.id)) out.set(r.id, { def: r.definition, origin: r.origin });
    // Add-ons (a catalog ControlNet added to a stored set) join the set's files: listed, downloaded, verified, loaded.
    for (const r of await this.store.listSets()) {
      const d = out.get(r.id);
      if (d && r.addOns?.length) out.set(r.id, { ...d, def: withAddOns(d.def, r.addOns) });
    }
    return out;
  }

  private async def(setId: string): Promise<Def> {
    const d = (await this.defs()).get(setId);
    if (!d) throw new StudioError('bad-request', `There is no model set "${setId}".`);
    return d;
  }

  async list(): Promise<SetInfo[]> {
    const out: SetInfo[] = [];
    for (const d of (await this.defs()).values()) out.push(await this.info(d));
    return out;
  }

  async get(setId: string): Promise<SetInfo> {
    return this.info(await this.def(setId));
  }

  private async info({ def, origin }: Def): Promise<SetInfo> {
    const recs = new Map((await this.store.listFiles(def.id)).map((r) => [r.name, r]));
    const setRec = await this.store.getSet(def.id);
    const files: FileInfo[] = def.files.map((f) => {
      const r = recs.get(f.name);
      const info: FileInfo = { name: f.name, role: f.role, bytes: r?.bytes ?? f.bytes, storedBytes: r ? storedBytes(r) : 0, status: r ? fileStatus(r) : 'absent' };
      const sha = r?.sha256 ?? f.sha256;
      if (sha) info.sha256 = sha;
      return info;
    });
    let status: SetStatus;
    const needed = files.filter((f) => !isOptionalRole(f.role)); // an absent preview decoder never holds a set back
    if (def.source === 'embedded') status = 'embedded';
    else if (needed.every((f) => f.status === 'verified')) status = 'verified';
    else if (needed.every((f) => f.status === 'verified' || f.status === 'complete')) status = 'complete';
    else status = files.some((f) => f.storedBytes > 0) ? 'partial' : 'absent';
    const totalBytes = files.every((f) => f.bytes !== null) ? files.reduce((s, f) => s + (f.bytes as number), 0) : null;
    const info: SetInfo = {
      id: def.id, label: def.label, description: def.description, origin,
      source: origin === 'import' ? 'import' : def.source, status, ready: status === 'verified' || status === 'embedded',
      totalBytes, storedBytes: [...recs.values()].reduce((s, r) => s + storedBytes(r), 0), files,
      capabilities: def.capabilities, quantizeOnLoad: !!def.quantizeOnLoad, selfTest: !!def.selfTest, default: !!def.default,
      busy: this.running.has(def.id),
    };
    if (setRec?.lastError) info.lastError = setRec.lastError;
    return info;
  }

  download(setId: string, onProgress?: ProgressCallback): Promise<SetInfo> {
    if (this.running.has(setId)) return Promise.reject(new StudioError('bad-request', `"${setId}" is already being downloaded.`));
    const ctl = new AbortController();
    const done = withSetLock(this.locks, setId, () => this.runDownload(setId, ctl.signal, onProgress));
    this.running.set(setId, { ctl, done });
    const settle = () => this.running.delete(setId);
    done.then(settle, settle);
    return done;
  }

  resume(setId: string, onProgress?: ProgressCallback): Promise<SetInfo> {
    return this.download(setId, onProgress);
  }

  async pause(setId: string): Promise<void> {
    const r = this.running.get(setId);
    if (!r) return;
    r.ctl.abort();
    await r.done.catch(() => {});
  }

  private async runDownload(setId: string, signal: AbortSignal, onProgress?: ProgressCallback): Promise<SetInfo> {
    const d = await this.def(setId);
    const { def, origin } = d;
    if (def.source === 'embedded') return this.info(d);
    const progress = new ProgressReporter(setId, onProgress, this.interval);
    try {
      const prev = await this.store.getSet(setId);
      const definition = prev?.origin === 'import' ? prev.definition : def;
      await this.store.putSet({ id: setId, origin: prev?.origin ?? origin, definition, ...(prev?.addOns ? { addOns: prev.addOns } : {}), updatedAt: Date.now() });
      await requestPersistence(this.storage);
      progress.setPhase('probing');
      const recs: FileRecord[] = [];
      for (const f of def.files) {
        try {
          recs.push(await this.prepareFile(setId, f, origin, signal));
        } catch (err) {
          if (!isOptionalRole(f.role) || signal.aborted) throw err; // the preview decoder is unreachable: the set comes without it
        }
      }
      const total = recs.reduce((s, r) => s + (r.bytes as number), 0);
      const have = recs.reduce((s, r) => s + storedBytes(r), 0);
      await ensureRoom(this.storage, total - have, `Downloading ${def.label}`);
      progress.set = new RateMeter(total, have);
      progress.setPhase('downloading');
      const job = { store: this.store, cfg: this.cfg, signal, onBytes: (n: number) => progress.bytes(n) };
      for (const rec of recs) {
        if (rec.status === 'verified') continue;
        progress.file = { name: rec.name, meter: new RateMeter(rec.bytes as number, storedBytes(rec)) };
        progress.emit(true);
        try {
          await downloadFile(job, rec);
        } catch (err) {
          if (!isOptionalRole(rec.role) || signal.aborted) throw err;
        }
      }
      progress.file = null;
      await this.setError(setId, undefined);
      progress.setPhase('done');
      return this.info(d);
    } catch (err) {
      const e = toErrorData(err);
      if (e.code !== 'cancelled') await this.setError(setId, e).catch(() => {});
      throw err instanceof StudioError ? err : new StudioError(e.code, e.message);
    }
  }

  /** Makes the file's manifest agree with the catalog entry and the server (size, range support). */
  private async prepareFile(setId: string, f: CatalogFile, origin: SetOrigin, signal: AbortSignal): Promise<FileRecord> {
    let rec = await this.store.getFile(setId, f.name);
    if (rec && (rec.url !== f.url || (f.sha256 ?? null) !== rec.expectedSha256) && origin !== 'import') {
      // A verified file stays when the new entry can still mean it (a mirror moved, a hash was added that matches):
      // only the catalog's words are updated. Anything else is another file, or bytes from another address.
      const same = rec.status === 'verified' && (!f.sha256 || f.sha256 === rec.sha256) && (f.bytes === null || f.bytes === rec.bytes);
      if (same) rec = await this.store.updateFile(setId, f.name, (r) => ({ ...r, url: f.url, expectedSha256: f.sha256 ?? null }));
      else {
        await this.store.deleteFileRecord(setId, f.name); // the catalog now means another file
        rec = undefined;
      }
    }
    if (rec?.status === 'verified') return rec;
    if (origin === 'import') throw new StudioError('bad-request', `${f.name} of this imported set is no longer stored; import the files again.`);
    const p = await probe(this.cfg, f.url, signal, f.bytes);
    if (f.bytes !== null && p.total !== f.bytes)
      throw new StudioError('integrity', `${f.name}: the server has ${p.total} bytes but the catalog says ${f.bytes}. The file may have been replaced upstream; check the source.`);
    if (rec && (rec.bytes !== p.total || (rec.validator && p.validator && rec.validator !== p.validator))) {
      await this.store.discardFile(setId, f.name); // changed on the server since the stored chunks were fetched
      rec = await this.store.getFile(setId, f.name);
    }
    const base: FileRecord = rec ?? {
      setId, name: f.name, role: f.role, url: f.url, bytes: p.total, expectedSha256: f.sha256 ?? null, chunkSize: this.chunkSize,
      done: [], hashed: 0, hashState: null, status: 'absent', sha256: null, validator: null, rangeSupport: null,
    };
    const next: FileRecord = { ...base, bytes: p.total, rangeSupport: p.rangeSupport, validator: base.done.length ? base.validator : p.validator };
    await this.store.putFile(next);
    return next;
  }

  private async setError(setId: string, err: SetInfoError): Promise<void> {
    const r = await this.store.getSet(setId);
    if (!r) return;
    const next = { ...r, updatedAt: Date.now() };
    if (err) next.lastError = err;
    else delete next.lastError;
    await this.store.putSet(next);
  }

  /**
   * Adds a catalog ControlNet to a stored Z-Image-Turbo set: the file joins the set's files, and the set's own
   * download (resumable, verified, pausable) then fetches it. Nothing is fetched here.
   */
  async addControlNet(setId: string, entry: ControlNetEntry): Promise<SetInfo> {
    const d = await this.def(setId);
    const rec = await this.store.getSet(setId);
    const why = controlNetRefusal(d.def, !!rec);
    if (why) throw new StudioError('bad-request', why);
    const file: CatalogFile = { role: 'controlnet', name: entry.file.name, url: entry.file.url, bytes: entry.file.bytes, ...(entry.file.sha256 ? { sha256: entry.file.sha256 } : {}) };
    await this.store.putSet({ ...rec!, addOns: [...(rec!.addOns ?? []).filter((f) => f.name !== file.name), file], updatedAt: Date.now() });
    return this.get(setId);
  }

  async delete(setId: string): Promise<void> {
    await this.ready;
    await this.pause(setId);
    await this.store.deleteSet(setId);
  }

  async verify(setId: string, onProgress?: ProgressCallback): Promise<VerifyReport> {
    const { def } = await this.def(setId);
    if (this.running.has(setId)) throw new StudioError('bad-request', `"${setId}" is being downloaded; verify it when that ends.`);
    const progress = new ProgressReporter(setId, onProgress, this.interval);
    // Optional files (the preview decoder) are verified when stored, and not missed when absent.
    const stored = new Set((await this.store.listFiles(setId)).filter((r) => r.status === 'verified' || fileStatus(r) === 'complete').map((r) => r.name));
    const checked = def.source === 'embedded' ? def : { ...def, files: def.files.filter((f) => !isOptionalRole(f.role) || stored.has(f.name)) };
    const report = await verifySet({ store: this.store, chunkSize: this.chunkSize, open: (name) => this.openStoredFile(setId, name), progress }, checked);
    if (!report.ok) await this.setError(setId, { code: 'integrity', message: report.files.filter((f) => !f.ok).map((f) => `${f.name}: ${f.message}`).join('; ') });
    return report;
  }

  /**
   * The bytes of one file of a ready set, as a Blob the loader slices (chunk Blobs from IndexedDB, not copied into
   * JS memory). Embedded sets are fetched from the app's origin.
   */
  async openStoredFile(setId: string, name: string): Promise<Blob> {
    const { def } = await this.def(setId);
    const f = def.files.find((x) => x.name === name);
    if (!f) throw new StudioError('bad-request', `Model set "${setId}" has no file "${name}".`);
    if (def.source === 'embedded') return fetchEmbedded(this.cfg.fetch, this.baseUrl, f);
    const rec = await this.store.getFile(setId, name);
    if (!rec || rec.status !== 'verified')
      throw new StudioError('integrity', `${name} of "${def.label}" is not fully downloaded and verified. Download the set first.`);
    return this.store.openFile(rec);
  }

  /** Every file of a ready set, in catalog order, for the loader. */
  async openSet(setId: string): Promise<{ set: SetInfo; files: { role: CatalogFile['role']; name: string; blob: Blob }[] }> {
    const set = await this.get(setId);
    if (!set.ready) throw new StudioError('integrity', `"${set.label}" is ${set.status}, not ready: download or verify it first.`);
    const files = [];
    for (const f of set.files) {
      if (isOptionalRole(f.role) && set.status !== 'embedded' && f.status !== 'verified') continue; // not stored (yet): the set runs without it
      try {
        files.push({ role: f.role, name: f.name, blob: await this.openStoredFile(setId, f.name) });
      } catch (err) {
        if (!isOptionalRole(f.role)) throw err; // an unreadable preview decoder: the set runs without previews
      }
    }
    return { set, files };
  }

  async importFiles(items: ImportItem[], options: ImportOptions = {}): Promise<SetInfo> {
    if (options.setId && (await this.defs()).has(options.setId))
      throw new StudioError('bad-request', `A model set named "${options.setId}" already exists; choose another name.`);
    await this.ready;
    const ctl = new AbortController();
    const id = options.setId ?? `import-pending-${Date.now()}`;
    const progress = new ProgressReporter(id, options.onProgress, this.interval);
    const done = importLocal(
      { store: this.store, storage: this.storage, inspector: this.inspector, chunkSize: this.chunkSize, signal: ctl.signal, progress },
      items,
      options,
    );
    this.running.set(id, { ctl, done });
    try {
      const def = await done;
      return await this.info({ def, origin: 'import' });
    } finally {
      this.running.delete(id);
    }
  }

  async addSource(url: string, options: AddSourceOptions = {}): Promise<SetInfo[]> {
    const known = await this.defs();
    const defs = await addSource({ cfg: this.cfg, store: this.store, known }, url, options);
    const out: SetInfo[] = [];
    for (const def of defs) out.push(await this.info({ def, origin: 'custom' }));
    return out;
  }

  async removeSource(setId: string): Promise<void> {
    const d = await this.def(setId);
    if (d.origin === 'builtin') throw new StudioError('bad-request', `"${d.def.label}" comes with the app and cannot be removed; delete its stored files instead.`);
    await this.delete(setId);
    await this.store.deleteSource(setId);
  }

  estimate(): Promise<StorageEstimate> {
    return estimateStorage(this.storage);
  }
}

type SetInfoError = SetInfo['lastError'];

function fileStatus(r: FileRecord): FileStatus {
  if (r.status === 'verified') return 'verified';
  const n = chunkCount(r);
  if (n > 0 && r.done.length === n) return 'complete';
  return r.done.length > 0 ? 'partial' : 'absent';
}

export function createModelManager(opts?: ModelManagerOptions): ModelManager {
  return new ModelManager(opts);
}
