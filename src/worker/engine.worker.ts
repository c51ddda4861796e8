// The engine worker: owns the GPU device and runs every pipeline; exposed to the main thread with comlink.
// One job runs at a time (JobQueue); errors cross as { code, message }; images as transferred buffers.
import * as Comlink from 'comlink';
import { Gpu } from '../engine/gpu.ts';
import { StudioError, toErrorData } from '../lib/errors.ts';
import { encodeStudioPng } from '../lib/png.ts';
import { runPipeline } from '../models/zimage/pipeline.ts';
import { canny } from '../engine/ops.ts';
import { imageMetadata, JobQueue, ModelHost, ProgressClock, toPipelineRequest } from './jobs.ts';
import { createModelManager } from '../library/manager.ts';
import { type LoadedZImage, loadZImage } from '../models/zimage/networks.ts';
import { inspectFile, modelsApi } from './modelsApi.ts';
import type { DeviceInfo, GenerateResult, LoadedModel, Progress, Result, WorkerApi } from './protocol.ts';
import { storedSet } from './storedSets.ts';
import { runEnhance } from './enhanceJob.ts';
import { previewHook } from './previews.ts';
import { LoraHost } from './loras.ts';
import { LoraLibrary } from '../library/loraStore.ts';

/** The app's root URL: the worker is served from <base>/assets/ in a build and from <base>/src/worker/ in dev. */
const appBase = new URL(import.meta.env.DEV ? '../../' : '../', self.location.href).href;

const manager = createModelManager({ baseUrl: appBase, inspector: inspectFile });
const queue = new JobQueue();
const loras = new LoraHost(new LoraLibrary());

interface Current {
  info: LoadedModel;
  set: LoadedZImage;
}

const host = new ModelHost<Gpu, Current>({
  createGpu: () => Gpu.create(),
  load: (g, setId, onProgress) => load(g, setId, onProgress),
  release: (m) => {
    loras.clear();
    m.set.release();
  },
  fallbackSetId: 'selftest',
});

async function guard<T>(fn: () => Promise<T>): Promise<Result<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    // A lost device surfaces as whatever failed first; report it as what it is.
    const lost = host.gpu?.lost;
    if (lost && !(err instanceof StudioError && err.code === 'cancelled')) return { ok: false, error: lost.toData() };
    return { ok: false, error: toErrorData(err) };
  }
}

/** Resolves the stored (or embedded) set into its files by role and hands them to the model layer's loader. */
async function load(g: Gpu, setId: string, onProgress?: (p: Progress) => void): Promise<Current> {
  g.pool.trim();
  const files = await storedSet(manager, setId);
  const t0 = performance.now();
  const set = await loadZImage(g, files, (_what, fraction) => {
    const elapsedMs = performance.now() - t0;
    onProgress?.({ phase: 'loading', fraction, elapsedMs, etaMs: fraction > 0.02 ? (elapsedMs / fraction) * (1 - fraction) : null });
  });
  const info: LoadedModel = {
    setId,
    label: files.label,
    selfTest: files.selfTest,
    weightBytes: set.weightBytes,
    previews: set.previews !== null,
    capabilities: set.capabilities,
  };
  return { info, set };
}

const api: WorkerApi = {
  deviceInfo: () =>
    guard(async (): Promise<DeviceInfo> => {
      const g = await host.ensureGpu();
      const s = g.pool.stats();
      return {
        adapter: { ...g.adapter },
        features: { ...g.features },
        limits: { ...g.limits },
        memory: { inUseBytes: s.inUseBytes, pooledBytes: s.pooledBytes, peakBytes: s.peakBytes },
      };
    }),

  loadModel: (setId, onProgress) => guard(() => queue.run(`load:${setId}`, async () => (await host.load(setId, onProgress)).info)),

  unloadModel: () =>
    guard(async () => {
      host.unload();
      host.gpu?.pool.trim();
    }),

  loadedModel: async () => host.current?.info ?? null,

  countTokens: (prompt) =>
    guard(async () => {
      const current = host.current;
      if (!current) throw new StudioError('bad-request', 'Load a model to count tokens.');
      const enc = current.set.networks.tokenizer.encodePrompt(prompt);
      return { tokens: enc.fullLength, max: current.set.capabilities.maxTokens, truncated: enc.truncated };
    }),

  cannyEdges: (image, thresholds) =>
    guard(async () => {
      const g = await host.ensureGpu();
      const { width: w, height: h } = image;
      if (image.data.byteLength !== w * h * 4) throw new StudioError('bad-request', 'The image data does not match its size.');
      const img = g.upload(new Float32Array(image.data.slice(0)), [h, w], 'f32', 'canny-source'); // the RGBA bytes as stored
      let edges = img;
      try {
        g.run((b) => (edges = canny(b, img, { ...thresholds, passes: CANNY_PASSES })));
        const e = await g.read(edges);
        const out = new Uint8Array(w * h * 4);
        for (let i = 0; i < w * h; i++) out.set(e[i] ? [255, 255, 255, 255] : [0, 0, 0, 255], i * 4);
        return { width: w, height: h, data: out.buffer };
      } finally {
        img.release();
        if (edges !== img) edges.release();
      }
    }),

  generate: async (jobId, request, onProgress) => {
    let transfers: ArrayBuffer[] = [];
    const res = await guard(() =>
      queue.run(jobId, async (): Promise<GenerateResult> => {
        // ensureGpu() first: it notices a lost device, re-creates it and drops the networks bound to the dead one,
        // which forJob() then reloads (the last loaded set) on the new device.
        const { gpu: g, model } = await host.forJob(onProgress);
        g.pool.resetPeak();
        const clock = new ProgressClock((p) => onProgress?.(p));
        const applied = await loras.apply(model.set.networks.transformer, request.loras);
        const r = await runPipeline(model.set.networks, toPipelineRequest(request), {
          onPhase: (phase, step, steps) => clock.phase(phase, step, steps),
          onStepGpuTime: (ms) => clock.gpuStep(ms),
          onPreview: request.preview && model.set.previews ? previewHook(g, model.set.previews, (frame) => clock.phase('denoising', frame.step, frame.steps, { preview: frame })) : undefined,
          checkCancelled: () => {
            queue.check(jobId);
            g.assertAlive();
          },
        });
        clock.phase('done');
        const meta = imageMetadata(request, { mode: r.ranMode, width: r.width, height: r.height, model: model.info.label, loras: applied, controlPath: r.controlPath });
        const png = await encodeStudioPng({ width: r.width, height: r.height, data: r.rgba }, meta);
        const data = r.rgba.buffer as ArrayBuffer;
        const pngBuf = png.buffer.slice(png.byteOffset, png.byteOffset + png.byteLength) as ArrayBuffer;
        const result: GenerateResult = {
          image: { width: r.width, height: r.height, data },
          png: pngBuf,
          meta,
          elapsedMs: clock.elapsedMs,
          gpuMsPerStep: clock.gpuMsPerStep,
        };
        transfers = [data, pngBuf];
        return result;
      }),
    );
    // Transfer (not clone) the pixels and the PNG; comlink keys transfers by the returned object itself.
    return res.ok ? Comlink.transfer(res, transfers) : res;
  },

  enhancePrompt: (jobId, request, onUpdate) =>
    guard(() =>
      queue.run(jobId, async () => {
        const { gpu: g, model } = await host.forJob();
        return runEnhance(model.set, request, onUpdate, () => {
          queue.check(jobId);
          g.assertAlive();
        });
      }),
    ),

  cancel: async (jobId) => queue.cancel(jobId),

  ...modelsApi(manager, (setId) => host.current?.info.setId === setId),
  ...loras.api(() => host.current?.set.networks.transformer ?? null),
};

/** Hysteresis passes for control images: edges grow through weak pixels by up to this many pixels. */
const CANNY_PASSES = 24;

Comlink.expose(api);
