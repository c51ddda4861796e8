// The model manager adapter over the engine worker: each call is one worker method (EngineApi's model-set part),
// with callbacks as comlink proxies and a rejected call (a crashed worker) turned into an error result. Storage
// figures come from navigator.storage on this thread, which sees the same origin quota as the worker.
import { t } from '../lib/i18n.ts';
import * as Comlink from 'comlink';
import { toErrorData } from '../lib/errors.ts';
import type { EngineClient } from '../worker/client.ts';
import type { Result, TransferProgress } from '../worker/protocol.ts';
import { settle } from './engine.ts';
import type { ModelsAdapter, StorageInfo } from './modelsSlice.ts';

export async function browserStorageInfo(): Promise<Result<StorageInfo>> {
  try {
    const s = navigator.storage;
    if (!s?.estimate) return { ok: false, error: { code: 'bad-request', message: t('store.noEstimate') } };
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
  const cb = (f?: (p: TransferProgress) => void) => (f ? Comlink.proxy(f) : undefined);
  return {
    listSets: () => settle(client.listModelSets()),
    storage: browserStorageInfo,
    requestPersistence,
    download: (setId, onProgress) => settle(client.downloadModelSet(setId, cb(onProgress))),
    pause: (setId) => settle(client.pauseModelDownload(setId)),
    remove: (setId) => settle(client.deleteModelSet(setId)),
    verify: (setId, onProgress) => settle(client.verifyModelSet(setId, cb(onProgress))),
    importFiles: (files, onProgress) => settle(client.importModelFiles(files, cb(onProgress))),
    addSource: (url) => settle(client.addModelSource(url)),
    addControlNet: (setId, controlId) => settle(client.addControlNet(setId, controlId)),
  };
}
