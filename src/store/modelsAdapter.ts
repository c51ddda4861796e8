// The model manager adapter as the engine worker will expose it. Every call goes through one remote method of the
// worker (the names in WORKER_METHODS, signatures in modelsSlice.ts); until the worker has them, each call resolves
// with a clear 'bad-request' error. Storage figures come from navigator.storage on this thread, which sees the same
// origin quota as the worker.
import * as Comlink from 'comlink';
import { toErrorData } from '../lib/errors.ts';
import type { Result } from '../worker/protocol.ts';
import type { EngineClient } from '../worker/client.ts';
import type { ImportFile, ModelsAdapter, StorageInfo, TransferProgress } from './modelsSlice.ts';
import { rejectionToError } from './engine.ts';

/** Worker method names behind each adapter call; the lead wires these into the EngineApi / worker. */
export const WORKER_METHODS = {
  listSets: 'listModelSets', // () => Promise<Result<ModelSetInfo[]>>
  download: 'downloadModelSet', // (setId, onProgress?) => Promise<Result<void>>; resolves 'cancelled' when paused
  pause: 'pauseModelDownload', // (setId) => Promise<Result<void>>
  remove: 'deleteModelSet', // (setId) => Promise<Result<void>>
  verify: 'verifyModelSet', // (setId, onProgress?) => Promise<Result<VerifyReport>>
  importFiles: 'importModelFiles', // (files: ImportFile[], onProgress?) => Promise<Result<ModelSetInfo>>
  addSource: 'addModelSource', // (url) => Promise<Result<ModelSetInfo[]>>
} as const;

type AnyRemote = Record<string, (...args: unknown[]) => Promise<unknown>>;

export async function browserStorageInfo(): Promise<Result<StorageInfo>> {
  try {
    const s = navigator.storage;
    if (!s?.estimate) return { ok: false, error: { code: 'bad-request', message: 'This browser does not report storage usage.' } };
    const e = await s.estimate();
    const persisted = s.persisted ? await s.persisted() : false;
    return { ok: true, value: { usedBytes: e.usage ?? 0, quotaBytes: e.quota ?? 0, persisted } };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

export async function requestPersistence(): Promise<boolean> {
  try {
    return (await navigator.storage?.persist?.()) ?? false;
  } catch {
    return false;
  }
}

export function createWorkerModelsAdapter(client: EngineClient): ModelsAdapter {
  const remote = client as unknown as AnyRemote;
  const call = async <T>(method: string, ...args: unknown[]): Promise<Result<T>> => {
    try {
      return (await remote[method](...args)) as Result<T>;
    } catch (err) {
      const e = rejectionToError(err);
      return e.code === 'bad-request' ? { ok: false, error: { code: 'bad-request', message: 'The model manager is not available in this build yet.' } } : { ok: false, error: e };
    }
  };
  const cb = (f?: (p: TransferProgress) => void) => (f ? Comlink.proxy(f) : undefined);
  return {
    listSets: () => call(WORKER_METHODS.listSets),
    storage: browserStorageInfo,
    requestPersistence,
    download: (setId, onProgress) => call(WORKER_METHODS.download, setId, cb(onProgress)),
    pause: (setId) => call(WORKER_METHODS.pause, setId),
    remove: (setId) => call(WORKER_METHODS.remove, setId),
    verify: (setId, onProgress) => call(WORKER_METHODS.verify, setId, cb(onProgress)),
    importFiles: (files: ImportFile[], onProgress) => call(WORKER_METHODS.importFiles, files, cb(onProgress)),
    addSource: (url) => call(WORKER_METHODS.addSource, url),
  };
}
