// A fake engine and model manager for store tests: deterministic images from the seed, scriptable failures.
import type { ErrorData } from '../../src/lib/errors.ts';
import type { Engine, EngineHandle } from '../../src/store/engine.ts';
import { memoryGalleryStorage } from '../../src/store/galleryStorage.ts';
import { pureImaging } from '../../src/store/imaging.ts';
import { memoryQueueStorage } from '../../src/store/queueStorage.ts';
import type { ModelSetInfo, ModelsAdapter, StorageInfo, TransferProgress, VerifyReport } from '../../src/store/modelsSlice.ts';
import { memorySettings } from '../../src/store/settings.ts';
import { createStudioStore, type StudioDeps } from '../../src/store/studio.ts';
import { imageMetadata } from '../../src/worker/jobs.ts';
import type { DeviceInfo, EnhanceRequest, EnhanceUpdate, GenerateRequest, LoadedModel, Progress, Result, RgbaImage } from '../../src/worker/protocol.ts';

export const DEVICE: DeviceInfo = {
  adapter: { vendor: 'google', architecture: 'swiftshader', device: '', description: 'SwiftShader' },
  features: { subgroups: false, timestampQuery: false, shaderF16: true },
  limits: { maxBufferSize: 2 ** 30 },
  memory: { inUseBytes: 1000, pooledBytes: 0, peakBytes: 2000 },
};

export const TURBO: LoadedModel = {
  setId: 'turbo',
  label: 'Z-Image Turbo',
  capabilities: { guidance: false, omni: false, defaultSteps: 8, maxTokens: 512 },
  selfTest: false,
  weightBytes: 6e9,
};

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const err = (code: ErrorData['code'], message: string = code): Result<never> => ({ ok: false, error: { code, message } });

/** A deterministic little image for a request: every pixel depends on the seed. */
export function fakeImage(req: GenerateRequest): Uint8Array<ArrayBuffer> {
  const data = new Uint8Array(req.width * req.height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (req.seed * 31 + i * 7) & 0xff;
  for (let i = 3; i < data.length; i += 4) data[i] = 255;
  return data;
}

export class FakeEngine implements Engine {
  calls: { method: string; args: unknown[] }[] = [];
  generated: GenerateRequest[] = [];
  loaded: LoadedModel | null = null;
  models: Record<string, LoadedModel> = { turbo: TURBO, 'selftest': { ...TURBO, setId: 'selftest', selfTest: true } };
  deviceResult: Result<DeviceInfo> = ok(DEVICE);
  /** Errors to return from the next generate calls, in order (undefined = succeed). */
  generateErrors: (ErrorData | undefined)[] = [];
  tokenResult: (prompt: string) => Result<{ tokens: number; max: number; truncated: boolean }> = (p) => ok({ tokens: p.split(/\s+/).length, max: 512, truncated: false });
  /** When set, generate waits for this before finishing (to test cancel and progress). */
  gate: Promise<void> | null = null;
  cancelled = new Set<string>();

  deviceInfo = async () => (this.calls.push({ method: 'deviceInfo', args: [] }), this.deviceResult);
  loadModel = async (setId: string, onProgress?: (p: Progress) => void) => {
    this.calls.push({ method: 'loadModel', args: [setId] });
    onProgress?.({ phase: 'loading', fraction: 0.5, elapsedMs: 10, etaMs: 10 });
    const m = this.models[setId];
    if (!m) return err('bad-request', `No model set ${setId}.`);
    this.loaded = m;
    return ok(m);
  };
  unloadModel = async () => {
    this.calls.push({ method: 'unloadModel', args: [] });
    this.loaded = null;
    return ok(undefined);
  };
  loadedModel = async () => this.loaded;
  countTokens = async (prompt: string) => (this.calls.push({ method: 'countTokens', args: [prompt] }), this.tokenResult(prompt));
  cannyEdges = async (image: RgbaImage, thresholds: { low: number; high: number }) => (this.calls.push({ method: 'cannyEdges', args: [thresholds.low, thresholds.high] }), ok(image));
  generate = async (jobId: string, req: GenerateRequest, onProgress?: (p: Progress) => void) => {
    this.calls.push({ method: 'generate', args: [jobId] });
    this.generated.push(req);
    onProgress?.({ phase: 'denoising', step: 2, steps: req.steps, fraction: 0.3, elapsedMs: 100, etaMs: 300, gpuStepMs: 42.5 });
    if (this.gate) await this.gate;
    if (this.cancelled.has(jobId)) return err('cancelled', 'Cancelled.');
    const e = this.generateErrors.shift();
    if (e) return { ok: false as const, error: e };
    const data = fakeImage(req);
    const ranMode = req.mode === 'edit' ? ('inpaint' as const) : req.mode;
    // Metadata as the worker builds it; no PNG, so the gallery writes one from it (as it would for an engine without).
    const controlPath = !req.control ? undefined : req.control.inpaint && req.mask ? ('control-inpaint' as const) : req.control.image ? ('control' as const) : undefined;
    const meta = imageMetadata(req, { mode: ranMode, width: req.width, height: req.height, model: this.loaded?.label ?? '?', controlPath });
    return ok({ image: { width: req.width, height: req.height, data: data.buffer }, png: new ArrayBuffer(0), meta, elapsedMs: 1234, gpuMsPerStep: 41.25 });
  };
  /** Streamed by enhancePrompt, one update per word; the gate holds it after the first (to test cancel). */
  enhanceWords = ['A', 'lighthouse', 'at', 'dusk'];
  enhanced: EnhanceRequest[] = [];
  enhancePrompt = async (jobId: string, req: EnhanceRequest, onUpdate?: (u: EnhanceUpdate) => void) => {
    this.calls.push({ method: 'enhancePrompt', args: [jobId] });
    this.enhanced.push(req);
    for (let i = 0; i < this.enhanceWords.length; i++) {
      onUpdate?.({ phase: 'writing', text: this.enhanceWords.slice(0, i + 1).join(' '), tokens: i + 1, tokensPerSecond: i > 0 ? 10 : null });
      if (i === 0 && this.gate) await this.gate;
      if (this.cancelled.has(jobId)) return err('cancelled', 'Cancelled.');
    }
    const text = this.enhanceWords.join(' ');
    return ok({ text, tokens: this.enhanceWords.length, promptTokens: 50, finished: true, prefillTokensPerSecond: 100, decodeTokensPerSecond: 10 });
  };
  cancel = async (jobId: string) => {
    this.cancelled.add(jobId);
  };
}

export class FakeModels implements ModelsAdapter {
  sets: ModelSetInfo[] = [
    { id: 'selftest', label: 'Self-test', totalBytes: 1e6, storedBytes: 1e6, status: 'verified', embedded: true, files: [] },
    { id: 'turbo', label: 'Z-Image Turbo', totalBytes: 6e9, storedBytes: 0, status: 'absent', isDefault: true, files: [] },
  ];
  storageInfo: StorageInfo = { usedBytes: 1e9, quotaBytes: 100e9, persisted: false };
  downloadResult: Result<void> = ok(undefined);
  verifyResult: Result<VerifyReport> = ok({ ok: true, badFiles: [] });
  calls: string[] = [];
  listSets = async () => ok(this.sets.map((s) => ({ ...s })));
  storage = async () => ok({ ...this.storageInfo });
  requestPersistence = async () => true;
  download = async (setId: string, onProgress?: (p: TransferProgress) => void) => {
    this.calls.push(`download ${setId}`);
    onProgress?.({ setId, phase: 'downloading', bytesDone: 3e9, bytesTotal: 6e9, bytesPerSecond: 1e7, etaMs: 300000 });
    if (this.downloadResult.ok) {
      const s = this.sets.find((x) => x.id === setId)!;
      s.storedBytes = s.totalBytes;
      s.status = 'verified';
    }
    return this.downloadResult;
  };
  pause = async (setId: string) => (this.calls.push(`pause ${setId}`), ok(undefined));
  remove = async (setId: string) => {
    this.calls.push(`remove ${setId}`);
    this.sets = this.sets.filter((s) => s.id !== setId);
    return ok(undefined);
  };
  verify = async (setId: string) => (this.calls.push(`verify ${setId}`), this.verifyResult);
  importFiles = async () => err('bad-model-file', 'Not a model file.');
  addSource = async () => ok(this.sets);
  addControlNet = async (setId: string, controlId: string) => {
    this.calls.push(`addControlNet ${setId} ${controlId}`);
    const s = this.sets.find((x) => x.id === setId)!;
    s.files = [...s.files, { name: 'controlnet.safetensors', role: 'controlnet', bytes: 100, storedBytes: 0 }];
    s.totalBytes += 100;
    s.status = 'partial';
    delete s.controlNetOffer;
    return ok({ ...s });
  };
}

type MemGallery = ReturnType<typeof memoryGalleryStorage>;
type MemSettings = ReturnType<typeof memorySettings>;

export function makeStudio(over: Partial<Omit<StudioDeps, 'gallery' | 'settings' | 'queue'>> & { queue?: ReturnType<typeof memoryQueueStorage>; engine?: FakeEngine; models?: FakeModels; gallery?: MemGallery; settings?: MemSettings; loras?: EngineHandle['loras'] } = {}) {
  const engines: FakeEngine[] = [];
  const models = over.models ?? new FakeModels();
  let first = over.engine;
  const terminated: FakeEngine[] = [];
  const gallery = over.gallery ?? memoryGalleryStorage();
  const settings = over.settings ?? memorySettings();
  const queue = over.queue ?? memoryQueueStorage();
  let seed = 1000;
  const deps: StudioDeps = {
    startEngine: (): EngineHandle => {
      const e = first ?? new FakeEngine();
      first = undefined;
      engines.push(e);
      return { engine: e, models, loras: over.loras, terminate: () => terminated.push(e) };
    },
    gallery,
    queue,
    imaging: pureImaging,
    settings,
    hasWebGpu: () => true,
    randomSeed: () => seed++,
    now: () => 0,
    tokenDebounceMs: 50,
    ...(over.hasWebGpu ? { hasWebGpu: over.hasWebGpu } : {}),
    ...(over.imaging ? { imaging: over.imaging } : {}),
    ...(over.languages ? { languages: over.languages } : {}),
  };
  const store = createStudioStore(deps);
  return { store, engines, engine: () => engines[engines.length - 1], models, terminated, gallery, settings, queue, deps, s: () => store.getState() };
}
