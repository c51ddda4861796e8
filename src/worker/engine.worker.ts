// The engine worker: owns the GPU device and runs every pipeline; exposed to the main thread with comlink.
import * as Comlink from 'comlink';
import { Gpu } from '../engine/gpu.ts';
import { StudioError, toErrorData } from '../lib/errors.ts';
import type { DeviceInfo, EngineApi, Result } from './protocol.ts';

let gpu: Gpu | null = null;

async function ensureGpu(): Promise<Gpu> {
  if (gpu && !gpu.lost) return gpu;
  gpu = await Gpu.create();
  return gpu;
}

async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    return { ok: false, error: toErrorData(err) };
  }
}

const notYet = (what: string) => new StudioError('bad-request', `${what} is not available in this build yet.`);

const api: EngineApi = {
  deviceInfo: () =>
    guard(async (): Promise<DeviceInfo> => {
      const g = await ensureGpu();
      const s = g.pool.stats();
      return {
        adapter: { ...g.adapter },
        features: { ...g.features },
        limits: { ...g.limits },
        memory: { inUseBytes: s.inUseBytes, pooledBytes: s.pooledBytes, peakBytes: s.peakBytes },
      };
    }),
  loadModel: () => guard(async () => Promise.reject(notYet('Loading a model'))),
  unloadModel: () => guard(async () => undefined),
  loadedModel: async () => null,
  countTokens: () => guard(async () => Promise.reject(notYet('Token counting'))),
  generate: () => guard(async () => Promise.reject(notYet('Generation'))),
  cancel: async () => undefined,
};

Comlink.expose(api);
