// Model sets: what is stored, what is downloading, which set is active and loaded into the engine.
//
// The model manager (downloads, storage, import, verification) runs in the engine worker (EngineApi's
// listModelSets, downloadModelSet, pauseModelDownload, deleteModelSet, verifyModelSet, importModelFiles,
// addModelSource). The store reaches it only through ModelsAdapter, one small object (modelsAdapter.ts wraps the
// worker; tests pass a fake). Storage figures (used, quota, persisted) come from navigator.storage on the main
// thread. Loading a set into GPU memory is EngineApi.loadModel(setId).
import { t } from '../lib/i18n.ts';
import type { ErrorData } from '../lib/errors.ts';
import type { ImportFile, LoadedModel, ModelSetInfo, Progress, Result, TransferProgress, VerifyReport } from '../worker/protocol.ts';
import { formatBytes } from './format.ts';
import { saveSettings } from './settings.ts';
import { withEntry } from './record.ts';
import type { SliceContext } from './studio.ts';

export type { ImportFile, ModelFileInfo, ModelSetInfo, SetStatus, TransferProgress, VerifyReport } from '../worker/protocol.ts';

export interface StorageInfo {
  usedBytes: number;
  quotaBytes: number;
  persisted: boolean;
}

/** The store's view of the model manager: the worker's model-set methods plus main-thread storage figures. */
export interface ModelsAdapter {
  listSets(): Promise<Result<ModelSetInfo[]>>;
  storage(): Promise<Result<StorageInfo>>;
  /** Asks the browser not to evict stored data; true when granted. */
  requestPersistence(): Promise<boolean>;
  download(setId: string, onProgress?: (p: TransferProgress) => void): Promise<Result<void>>;
  pause(setId: string): Promise<Result<void>>;
  remove(setId: string): Promise<Result<void>>;
  verify(setId: string, onProgress?: (p: TransferProgress) => void): Promise<Result<VerifyReport>>;
  importFiles(files: ImportFile[], onProgress?: (p: TransferProgress) => void): Promise<Result<ModelSetInfo>>;
  addSource(url: string): Promise<Result<ModelSetInfo[]>>;
  /** Adds a catalog ControlNet to a stored set (the set's download then fetches it). */
  addControlNet(setId: string, controlId: string): Promise<Result<ModelSetInfo>>;
}

/** Loaded when no set was chosen and the list is unavailable: the embedded self-test set (tools/makeSelftest.ts). */
export const FALLBACK_SET_ID = 'selftest';

export interface ModelsSlice {
  sets: ModelSetInfo[];
  listStatus: 'idle' | 'loading' | 'ready' | 'error';
  listError: ErrorData | null;
  storage: StorageInfo | null;
  /** The set the person chose (persisted); null = the default. */
  activeSetId: string | null;
  loaded: LoadedModel | null;
  loadingSetId: string | null;
  loadProgress: Progress | null;
  loadError: ErrorData | null;
  /** Running downloads / verifications by set id. */
  transfers: Record<string, TransferProgress>;
  /** The last failure per set (download, verify, delete). */
  setErrors: Record<string, ErrorData>;
  importing: TransferProgress | null;
  importError: ErrorData | null;
  refresh: () => Promise<void>;
  download: (setId: string) => Promise<void>;
  pause: (setId: string) => Promise<void>;
  remove: (setId: string) => Promise<void>;
  verify: (setId: string) => Promise<void>;
  importFiles: (files: ImportFile[]) => Promise<ModelSetInfo | null>;
  addSource: (url: string) => Promise<boolean>;
  /** "Add ControlNet": adds the set's offered ControlNet and downloads it with the set's resumable, verified path. */
  addControlNet: (setId: string) => Promise<void>;
  /** Makes a set the active one and loads it into the engine. */
  activate: (setId: string) => Promise<LoadedModel | null>;
  unload: () => Promise<void>;
  /** The set generation will use: the chosen one, else the catalog default, else the embedded one. */
  wantedSetId: () => string;
  /** Loads the wanted set unless it already is loaded; null (with loadError set) on failure. */
  ensureLoaded: () => Promise<LoadedModel | null>;
  /** Asks the engine what it has loaded (after a page reload the worker starts empty, after HMR it may not). */
  syncLoaded: () => Promise<void>;
  /** The engine lost its state (restart, device loss): nothing is loaded any more. */
  forgetLoaded: () => void;
}

export function createModelsSlice(ctx: SliceContext): ModelsSlice {
  const { patch, get, deps, rt } = ctx;
  const adapter = () => rt.handle().models;
  const m = () => get().models;
  const setErr = (setId: string, e: ErrorData | null) => patch('models', (s) => ({ setErrors: withEntry(s.setErrors, setId, e) }));
  const setTransfer = (setId: string, p: TransferProgress | null) => patch('models', (s) => ({ transfers: withEntry(s.transfers, setId, p) }));
  const fail = (setId: string, e: ErrorData) => {
    setErr(setId, e);
    get().device.report(e);
  };
  let loading: Promise<LoadedModel | null> | null = null;

  return {
    sets: [],
    listStatus: 'idle',
    listError: null,
    storage: null,
    activeSetId: deps.settings.load().activeSetId ?? null,
    loaded: null,
    loadingSetId: null,
    loadProgress: null,
    loadError: null,
    transfers: {},
    setErrors: {},
    importing: null,
    importError: null,

    refresh: async () => {
      patch('models', { listStatus: 'loading' });
      const [list, storage] = await Promise.all([adapter().listSets(), adapter().storage()]);
      if (list.ok) patch('models', { sets: list.value, listStatus: 'ready', listError: null });
      else patch('models', { listStatus: 'error', listError: list.error });
      if (storage.ok) {
        patch('models', { storage: storage.value });
        const st = storage.value;
        if (get().device.storageError && st.quotaBytes - st.usedBytes > 64 * 2 ** 20) get().device.clearStorageError();
      }
    },
    download: async (setId) => {
      const set = m().sets.find((s) => s.id === setId);
      const st = m().storage;
      if (set && st && st.quotaBytes > 0 && set.totalBytes - set.storedBytes > st.quotaBytes - st.usedBytes) {
        const need = set.totalBytes - set.storedBytes;
        fail(setId, {
          code: 'storage-quota',
          message: t('store.needSpace', { name: set.label, need: formatBytes(need), free: formatBytes(Math.max(0, st.quotaBytes - st.usedBytes)) }),
        });
        return;
      }
      setErr(setId, null);
      void adapter().requestPersistence();
      setTransfer(setId, { setId, phase: 'downloading', bytesDone: set?.storedBytes ?? 0, bytesTotal: set?.totalBytes ?? 0, bytesPerSecond: 0, etaMs: null });
      const r = await adapter().download(setId, (p) => setTransfer(setId, p));
      setTransfer(setId, null);
      if (!r.ok && r.error.code !== 'cancelled') fail(setId, r.error);
      await m().refresh();
    },
    addControlNet: async (setId) => {
      const offer = m().sets.find((s) => s.id === setId)?.controlNetOffer;
      if (!offer) return;
      const r = await adapter().addControlNet(setId, offer.id);
      if (!r.ok) return fail(setId, r.error);
      await m().refresh();
      await m().download(setId);
    },
    pause: async (setId) => {
      const r = await adapter().pause(setId);
      if (!r.ok) fail(setId, r.error);
    },
    remove: async (setId) => {
      if (m().loaded?.setId === setId) await m().unload();
      const r = await adapter().remove(setId);
      if (!r.ok) fail(setId, r.error);
      else setErr(setId, null);
      if (m().activeSetId === setId) {
        patch('models', { activeSetId: null });
        saveSettings(get(), deps.settings);
      }
      await m().refresh();
    },
    verify: async (setId) => {
      const set = m().sets.find((s) => s.id === setId);
      setErr(setId, null);
      setTransfer(setId, { setId, phase: 'verifying', bytesDone: 0, bytesTotal: set?.storedBytes ?? 0, bytesPerSecond: 0, etaMs: null });
      const r = await adapter().verify(setId, (p) => setTransfer(setId, p));
      setTransfer(setId, null);
      if (!r.ok) fail(setId, r.error);
      else if (!r.value.ok)
        fail(setId, { code: 'integrity', message: t('store.verifyFailed', { files: r.value.badFiles.join(', ') }) });
      await m().refresh();
    },
    importFiles: async (files) => {
      if (files.length === 0) return null;
      const total = files.reduce((n, f) => n + f.file.size, 0);
      patch('models', { importing: { setId: '', phase: 'importing', bytesDone: 0, bytesTotal: total, bytesPerSecond: 0, etaMs: null }, importError: null });
      const r = await adapter().importFiles(files, (p) => patch('models', { importing: p }));
      patch('models', { importing: null, importError: r.ok ? null : r.error });
      if (!r.ok) get().device.report(r.error);
      await m().refresh();
      return r.ok ? r.value : null;
    },
    addSource: async (url) => {
      const r = await adapter().addSource(url);
      if (!r.ok) {
        patch('models', { listError: r.error });
        return false;
      }
      patch('models', { sets: r.value, listError: null });
      return true;
    },
    activate: async (setId) => {
      patch('models', { activeSetId: setId });
      saveSettings(get(), deps.settings);
      return m().ensureLoaded();
    },
    unload: async () => {
      await rt.handle().engine.unloadModel();
      patch('models', { loaded: null });
    },
    wantedSetId: () => {
      const { activeSetId, sets } = m();
      if (activeSetId) return activeSetId;
      const ready = (s: ModelSetInfo) => s.status === 'verified' || s.status === 'complete';
      return (
        sets.find((s) => s.isDefault && ready(s))?.id ??
        sets.find((s) => ready(s) && !s.embedded)?.id ??
        sets.find((s) => s.embedded)?.id ??
        FALLBACK_SET_ID
      );
    },
    ensureLoaded: () => {
      // One load at a time: a second caller waits for the first instead of loading twice.
      loading ??= (async () => {
        if (m().listStatus === 'idle') await m().refresh();
        const want = m().wantedSetId();
        const cur = m().loaded;
        if (cur && cur.setId === want) return cur;
        patch('models', { loadingSetId: want, loadProgress: null, loadError: null });
        const r = await rt.handle().engine.loadModel(want, (p) => patch('models', { loadProgress: p }));
        patch('models', { loadingSetId: null, loadProgress: null });
        if (!r.ok) {
          patch('models', { loadError: r.error });
          get().device.report(r.error);
          return null;
        }
        patch('models', { loaded: r.value });
        get().generate.onModelLoaded(r.value);
        return r.value;
      })().finally(() => {
        loading = null;
      });
      return loading;
    },
    syncLoaded: async () => {
      const cur = await rt.handle().engine.loadedModel();
      patch('models', { loaded: cur });
    },
    forgetLoaded: () => patch('models', { loaded: null, loadingSetId: null, loadProgress: null }),
  };
}

