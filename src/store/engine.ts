// The store's handle on the engine: the EngineApi as plain async functions (so tests can pass a fake), and the
// real one, which wraps the comlink remote of the engine worker: callbacks become comlink proxies, request buffers
// are transferred (the store always passes copies, so the UI's own pixels and mask survive), and a rejected call
// (a crashed worker, a method the worker lacks) becomes an ErrorData result instead of an exception.
import { t } from '../lib/i18n.ts';
import * as Comlink from 'comlink';
import { toErrorData, type ErrorData } from '../lib/errors.ts';
import { createEngineClient, type EngineClient } from '../worker/client.ts';
import type { EngineApi, GenerateRequest, LorasApi, Result } from '../worker/protocol.ts';
import { createWorkerModelsAdapter } from './modelsAdapter.ts';
import type { ModelsAdapter } from './modelsSlice.ts';

/** The worker's model-set methods: the store reaches them through ModelsAdapter, not through Engine. */
type ModelSetMethods = 'listModelSets' | 'downloadModelSet' | 'pauseModelDownload' | 'deleteModelSet' | 'verifyModelSet' | 'importModelFiles' | 'addModelSource' | 'addControlNet';

/** Devices, models in GPU memory, tokens and jobs. */
export type Engine = Omit<EngineApi, ModelSetMethods>;

/** A running engine: its API, the model manager adapter bound to it, and how to stop it. */
export interface EngineHandle {
  engine: Engine;
  models: ModelsAdapter;
  /** Stored LoRAs; absent in engines that do not offer them. */
  loras?: LorasApi;
  terminate: () => void;
}

/** Turns a rejection (not a Result error) into a Result error. */
export async function settle<T>(p: Promise<Result<T>>): Promise<Result<T>> {
  try {
    return await p;
  } catch (err) {
    return { ok: false, error: rejectionToError(err) };
  }
}

export function rejectionToError(err: unknown): ErrorData {
  const e = toErrorData(err);
  if (e.code === 'internal' && /is not a function|Cannot read properties of undefined/.test(e.message))
    return { code: 'bad-request', message: t('store.notOffered', { why: e.message.replace(/^Unexpected error: /, '') }) };
  return e;
}

function transferables(req: GenerateRequest): Transferable[] {
  const t: Transferable[] = [];
  if (req.image) t.push(req.image.data);
  if (req.mask && req.mask.data !== req.image?.data) t.push(req.mask.data);
  const c = req.control?.image?.data;
  if (c && !t.includes(c)) t.push(c);
  return t;
}

/** The EngineApi over a comlink remote. */
export function engineFromRemote(remote: EngineClient): Engine {
  return {
    deviceInfo: () => settle(remote.deviceInfo()),
    loadModel: (setId, onProgress) => settle(remote.loadModel(setId, onProgress ? Comlink.proxy(onProgress) : undefined)),
    unloadModel: () => settle(remote.unloadModel()),
    loadedModel: async () => {
      try {
        return await remote.loadedModel();
      } catch {
        return null;
      }
    },
    countTokens: (prompt) => settle(remote.countTokens(prompt)),
    cannyEdges: (image, thresholds) => settle(remote.cannyEdges(image, thresholds)),
    generate: (jobId, req, onProgress) =>
      settle(remote.generate(jobId, Comlink.transfer(req, transferables(req)), onProgress ? Comlink.proxy(onProgress) : undefined)),
    enhancePrompt: (jobId, req, onUpdate) => settle(remote.enhancePrompt(jobId, req, onUpdate ? Comlink.proxy(onUpdate) : undefined)),
    cancel: async (jobId) => {
      try {
        await remote.cancel(jobId);
      } catch {
        // a dead worker has nothing left to cancel
      }
    },
  };
}

/** Starts the engine worker. Called lazily on first use and again by "Restart engine". */
export function startWorkerEngine(): EngineHandle {
  const { client, terminate } = createEngineClient();
  const loras: LorasApi = {
    listLoras: () => settle(client.listLoras()),
    importLora: (file) => settle(client.importLora(file)),
    addLoraUrl: (url) => settle(client.addLoraUrl(url)),
    deleteLora: (id) => settle(client.deleteLora(id)),
    checkLora: (id) => settle(client.checkLora(id)),
  };
  return { engine: engineFromRemote(client), models: createWorkerModelsAdapter(client), loras, terminate };
}
