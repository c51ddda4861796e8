// One job at a time: a FIFO of generation jobs with cancellation by id, and progress with elapsed time and ETA.
import { StudioError } from '../lib/errors.ts';
import type { PipelineRequest } from '../models/zimage/request.ts';
import type { GenerateMode, GenerateRequest, ImageMetadata, MaskImage, NamedLora, Progress, ProgressPhase, RgbaImage } from './protocol.ts';

export class JobQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private cancelled = new Set<string>();

  /** Runs `fn` after every job queued before it; a job cancelled while queued never starts. */
  run<T>(jobId: string, fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      this.check(jobId);
      try {
        return await fn();
      } finally {
        this.cancelled.delete(jobId);
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  cancel(jobId: string): void {
    this.cancelled.add(jobId);
  }

  check(jobId: string): void {
    if (this.cancelled.has(jobId)) throw new StudioError('cancelled', 'The generation was cancelled.');
  }
}

/**
 * The one place an image's parameters are written down: from the request and what actually ran (an edit runs as
 * 'inpaint' without an omni-capable model). The worker writes it into the PNG and returns it in GenerateResult, and
 * the gallery keeps that, so a downloaded PNG and the gallery always agree.
 */
export function imageMetadata(
  request: GenerateRequest,
  ran: { mode: GenerateMode; width: number; height: number; model: string; loras?: NamedLora[]; controlPath?: 'none' | 'control' | 'control-inpaint' },
): ImageMetadata {
  return {
    prompt: request.prompt,
    negativePrompt: request.negativePrompt ?? '',
    seed: request.seed,
    steps: request.steps,
    width: ran.width,
    height: ran.height,
    model: ran.model,
    mode: ran.mode,
    strength: ran.mode === 'text-to-image' ? null : (request.strength ?? null),
    guidanceScale: request.guidanceScale ?? null,
    ...(ran.loras?.length ? { loras: ran.loras } : {}),
    ...(request.control && ran.controlPath && ran.controlPath !== 'none'
      ? { control: { kind: request.control.kind, scale: request.control.scale, start: request.control.start, end: request.control.end, path: ran.controlPath } }
      : {}),
  };
}

/**
 * What the pipeline gets for a request: the same fields with the transferred buffers viewed as bytes (no copy), the
 * control hints in the pipeline's form. LoRAs and the preview switch are the worker's business, not the pipeline's.
 */
export function toPipelineRequest(r: GenerateRequest): PipelineRequest {
  const bytes = (x: RgbaImage | MaskImage) => ({ width: x.width, height: x.height, data: new Uint8Array(x.data) });
  return {
    mode: r.mode,
    prompt: r.prompt,
    negativePrompt: r.negativePrompt,
    width: r.width,
    height: r.height,
    steps: r.steps,
    seed: r.seed,
    guidanceScale: r.guidanceScale,
    strength: r.strength,
    image: r.image && bytes(r.image),
    mask: r.mask && bytes(r.mask),
    lowMemory: r.lowMemory,
    control: r.control && {
      image: r.control.image ? bytes(r.control.image) : null,
      scale: r.control.scale,
      start: r.control.start,
      end: r.control.end,
      inpaint: r.control.inpaint,
    },
  };
}

/** Weights of each phase in the whole job's fraction; denoising is split evenly over its steps. */
const PHASE_SHARE: Record<ProgressPhase, [start: number, span: number]> = {
  loading: [0, 0],
  tokenizing: [0, 0.01],
  encoding: [0.01, 0.04],
  denoising: [0.05, 0.85],
  decoding: [0.9, 0.1],
  done: [1, 0],
};

export class ProgressClock {
  private readonly t0 = performance.now();
  private readonly stepGpuMs: number[] = [];
  private unmeasured = false;
  constructor(private readonly emit: (p: Progress) => void) {}

  phase(phase: ProgressPhase, step?: number, steps?: number, extra: Pick<Progress, 'preview'> = {}): void {
    const [start, span] = PHASE_SHARE[phase];
    const within = phase === 'denoising' && step && steps ? (step - 1) / steps : 0;
    const fraction = Math.min(1, start + span * within);
    const elapsedMs = performance.now() - this.t0;
    const etaMs = fraction > 0.06 ? (elapsedMs / fraction) * (1 - fraction) : null;
    const last = this.stepGpuMs.length > 0 && !this.unmeasured ? this.stepGpuMs[this.stepGpuMs.length - 1] : undefined;
    this.emit({ phase, step, steps, fraction, elapsedMs, etaMs, ...(last !== undefined ? { gpuStepMs: last } : {}), ...extra });
  }

  /** A finished step's GPU time (null: not measurable); shown from the next progress report on. */
  gpuStep(ms: number | null): void {
    if (ms === null) this.unmeasured = true;
    else this.stepGpuMs.push(ms);
  }

  /** Mean GPU time per step, or null when any step could not be measured (or none ran). */
  get gpuMsPerStep(): number | null {
    if (this.unmeasured || this.stepGpuMs.length === 0) return null;
    return this.stepGpuMs.reduce((a, b) => a + b, 0) / this.stepGpuMs.length;
  }

  get elapsedMs(): number {
    return performance.now() - this.t0;
  }
}

/**
 * The worker's GPU device and the one model set loaded on it. A lost device is noticed by ensureGpu(), which
 * re-creates it and forgets the model (its networks were bound to the dead device); a job then reloads the set
 * that was last loaded, so it never runs on dead buffers nor silently on a different model.
 */
export class ModelHost<G extends { readonly lost: unknown }, M> {
  private device: G | null = null;
  private loaded: { setId: string; model: M } | null = null;
  private lastSetId: string | null = null;

  constructor(
    private readonly opts: {
      createGpu: () => Promise<G>;
      load: (gpu: G, setId: string, onProgress?: (p: Progress) => void) => Promise<M>;
      release: (model: M, gpu: G) => void;
      /** Loaded by a job when no set was ever loaded. */
      fallbackSetId: string;
    },
  ) {}

  /** The device, possibly lost; null before the first ensureGpu(). */
  get gpu(): G | null {
    return this.device;
  }

  /** The loaded model, or null. After a device loss it stays until the next ensureGpu() (its CPU parts, such as the
   * tokenizer, still work); jobs go through forJob(), which never hands out a model on a lost device. */
  get current(): M | null {
    return this.loaded?.model ?? null;
  }

  async ensureGpu(): Promise<G> {
    if (this.device && !this.device.lost) return this.device;
    // After a loss everything on the old device is gone; the next load re-creates it.
    if (this.device?.lost) this.loaded = null;
    this.device = await this.opts.createGpu();
    return this.device;
  }

  async load(setId: string, onProgress?: (p: Progress) => void): Promise<M> {
    if (this.loaded?.setId === setId && this.device && !this.device.lost) return this.loaded.model;
    const g = await this.ensureGpu();
    if (this.loaded) this.opts.release(this.loaded.model, g);
    this.loaded = null;
    const model = await this.opts.load(g, setId, onProgress);
    this.loaded = { setId, model };
    this.lastSetId = setId;
    return model;
  }

  unload(): void {
    if (this.loaded && this.device) this.opts.release(this.loaded.model, this.device);
    this.loaded = null;
  }

  /** A live device and a model on it: after a device loss (or an unload) the last loaded set is loaded again. */
  async forJob(onProgress?: (p: Progress) => void): Promise<{ gpu: G; model: M }> {
    const gpu = await this.ensureGpu();
    const model = this.current ?? (await this.load(this.lastSetId ?? this.opts.fallbackSetId, onProgress));
    return { gpu: this.device ?? gpu, model };
  }
}
