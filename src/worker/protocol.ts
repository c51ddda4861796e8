// The worker's API: what the main thread may ask of the engine worker and what comes back, and the request contract
// (modes, limits, request fields, image metadata, their validation) that the pipeline, the store and the PNG metadata
// derive from. Errors cross as ErrorData ({ code, message }); images as transferred ArrayBuffers, never cloned.
// Pure: it imports only lib/, so models/, store/ and lib/ may import it (eslint.config.js names this file).
import { StudioError, type ErrorData } from '../lib/errors.ts';
import type { SetCapabilities } from '../lib/capabilities.ts';
import type { LorasApi, ModelsApi } from './modelsProtocol.ts';

export type * from './modelsProtocol.ts';

export type Result<T> = { ok: true; value: T } | { ok: false; error: ErrorData };

export interface DeviceInfo {
  adapter: { vendor: string; architecture: string; device: string; description: string };
  features: { subgroups: boolean; timestampQuery: boolean; shaderF16: boolean };
  limits: Record<string, number>;
  memory: { inUseBytes: number; pooledBytes: number; peakBytes: number };
}

/**
 * What a loaded model set can do; the UI shows or hides controls from this: the catalog record's capabilities as
 * the loaded files confirm them (models/zimage/capabilities.ts), plus what only a stored set can tell.
 */
export interface ModelCapabilities extends SetCapabilities {
  /** A ControlNet is stored with the set: control images, and the control model's inpaint mode for masked edits. */
  controlNet?: boolean;
}

export interface LoadedModel {
  setId: string;
  label: string;
  /** Whether the set's TAEF1 preview decoder is loaded (live previews possible). */
  previews?: boolean;
  capabilities: ModelCapabilities;
  /** True for the embedded tiny random-weight model: a pipeline self-test, not a real image model. */
  selfTest: boolean;
  weightBytes: number;
}

// ---- the request contract: each fact once -------------------------------------------------------------------

/** What a generation does; 'edit' runs as 'inpaint' (or 'image-to-image') when no omni-capable model is loaded. */
export const GENERATE_MODES = ['text-to-image', 'image-to-image', 'inpaint', 'edit'] as const;
export type GenerateMode = (typeof GENERATE_MODES)[number];

/** Image sides: multiples of SIZE_STEP (the VAE's 8× times the DiT's 2×2 patches) from MIN_SIDE to MAX_SIDE. */
export const SIZE_STEP = 16; // px
export const MIN_SIDE = 256; // px
export const MAX_SIDE = 2048; // px
/** Denoising steps, a whole number in MIN_STEPS..MAX_STEPS. */
export const MIN_STEPS = 1;
export const MAX_STEPS = 100;
/** image-to-image / inpaint / edit strength: 0 keeps the source, 1 starts from pure noise. */
export const MIN_STRENGTH = 0;
export const MAX_STRENGTH = 1;

/**
 * An RGBA8 image, row-major, width * height * 4 bytes. `B` is how the bytes travel: an ArrayBuffer across the worker
 * boundary (transferred), a Uint8Array inside the worker (models/zimage/request.ts PipelineRequest).
 */
export interface RgbaImage<B = ArrayBuffer> {
  width: number;
  height: number;
  data: B;
}

/** A mask, one byte per pixel, 255 = repaint, 0 = keep. */
export interface MaskImage<B = ArrayBuffer> {
  width: number;
  height: number;
  data: B;
}

export interface GenerateRequest<B = ArrayBuffer> {
  mode: GenerateMode;
  prompt: string;
  negativePrompt?: string;
  width: number; // px, multiple of SIZE_STEP in MIN_SIDE..MAX_SIDE
  height: number; // px, multiple of SIZE_STEP in MIN_SIDE..MAX_SIDE
  steps: number; // MIN_STEPS..MAX_STEPS
  seed: number;
  guidanceScale?: number;
  /** image-to-image / inpaint / edit: how much to change, MIN_STRENGTH..MAX_STRENGTH (1 = start from pure noise). */
  strength?: number;
  /** The source image for image-to-image, inpaint and edit, at the request's size. */
  image?: RgbaImage<B>;
  /** Inpaint / edit mask at the request's size. */
  mask?: MaskImage<B>;
  /** Release the text encoder once the prompt is encoded: a lower peak, and the next prompt loads it again. */
  lowMemory?: boolean;
  /** LoRAs to apply, by stored id, in order, each at its strength (negative allowed); absent or empty: none. */
  loras?: LoraUse[];
  /** Live previews after each denoising step (Progress.preview), when the set has the TAEF1 decoder; else ignored. */
  preview?: boolean;
  /** ControlNet hints; ignored when the set has no ControlNet. */
  control?: ControlUse<B>;
}

/** Throws a 'bad-request' StudioError, with a sentence that says what to change, for a request outside the contract. */
export function validateRequest(
  r: Pick<GenerateRequest<{ readonly byteLength: number }>, 'mode' | 'width' | 'height' | 'steps' | 'seed' | 'strength' | 'image' | 'mask'>,
): void {
  for (const [name, v] of [['width', r.width], ['height', r.height]] as const)
    if (!Number.isInteger(v) || v % SIZE_STEP !== 0 || v < MIN_SIDE || v > MAX_SIDE)
      throw new StudioError('bad-request', `The image ${name} must be a multiple of ${SIZE_STEP} between ${MIN_SIDE} and ${MAX_SIDE} pixels; got ${v}.`);
  if (!Number.isInteger(r.steps) || r.steps < MIN_STEPS || r.steps > MAX_STEPS)
    throw new StudioError('bad-request', `Steps must be a whole number from ${MIN_STEPS} to ${MAX_STEPS}; got ${r.steps}.`);
  if (!Number.isFinite(r.seed)) throw new StudioError('bad-request', 'The seed must be a number.');
  if (r.mode !== 'text-to-image') {
    if (!r.image) throw new StudioError('bad-request', `${r.mode} needs a source image.`);
    if (r.image.width !== r.width || r.image.height !== r.height)
      throw new StudioError('bad-request', `The source image is ${r.image.width}×${r.image.height} but the request is ${r.width}×${r.height}; resize it to a multiple of ${SIZE_STEP} first.`);
    if (r.image.data.byteLength !== r.width * r.height * 4) throw new StudioError('bad-request', 'The source image data does not match its size.');
  }
  if (r.mode === 'inpaint' && !r.mask) throw new StudioError('bad-request', 'Inpainting needs a mask: paint the area to change.');
  if (r.mask && (r.mask.width !== r.width || r.mask.height !== r.height || r.mask.data.byteLength !== r.width * r.height))
    throw new StudioError('bad-request', 'The mask does not match the image size.');
  const s = r.strength ?? MAX_STRENGTH;
  if (!(s >= MIN_STRENGTH && s <= MAX_STRENGTH)) throw new StudioError('bad-request', `Strength must be between ${MIN_STRENGTH} and ${MAX_STRENGTH}; got ${s}.`);
}

/** A LoRA as an image records it: by file name (ids are local to one browser), with its strength. */
export interface NamedLora {
  name: string;
  strength: number;
}

/**
 * An image's parameters as they ran: what its PNG carries (lib/png.ts, read back by lib/pngMeta.ts), what the gallery
 * keeps and what a recipe link shares (a subset, lib/recipe.ts). Written in one place, worker/jobs.ts imageMetadata.
 */
export interface ImageMetadata {
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  width: number; // px
  height: number; // px
  model: string;
  mode: GenerateMode;
  strength: number | null;
  guidanceScale: number | null;
  /** The LoRAs applied, by file name, with their strengths (absent or empty: none). */
  loras?: NamedLora[];
  /**
   * The ControlNet as it ran (absent: none): the control image's kind, scale, the fraction of steps, and the path
   * ('control', or 'control-inpaint' = the control model's inpaint mode for a masked edit).
   */
  control?: { kind: ControlKind; scale: number; start: number; end: number; path: 'control' | 'control-inpaint' };
}

/** What a control image is: Canny edges, a drawn scribble, or an uploaded map (depth, pose, ...) used as is. */
export const CONTROL_KINDS = ['canny', 'scribble', 'image'] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

/** How a generation uses the ControlNet (the Control panel's state as it ran). */
export interface ControlUse<B = ArrayBuffer> {
  kind: ControlKind;
  /** The control image at the request's size, RGBA8; absent: none (the inpaint mode alone). */
  image?: RgbaImage<B>;
  /** Conditioning scale, 0..2. */
  scale: number;
  /** Fractions of the steps the hints apply to: start <= i / steps < end. */
  start: number;
  end: number;
  /** Masked edits: the control model's inpaint mode (true) or the plain inpaint path (false). */
  inpaint: boolean;
}

export interface LoraUse {
  id: string;
  strength: number;
}

export type ProgressPhase = 'loading' | 'tokenizing' | 'encoding' | 'denoising' | 'decoding' | 'done';

export interface Progress {
  phase: ProgressPhase;
  /** Denoising step (1-based) and count, when phase is 'denoising'. */
  step?: number;
  steps?: number;
  /** Whole-job fraction 0..1. */
  fraction: number;
  elapsedMs: number;
  etaMs: number | null;
  /** GPU time of the last finished denoising step (timestamp queries); absent where the device cannot measure it. */
  gpuStepMs?: number;
  /** A live preview of the image after denoising step `step` (GenerateRequest.preview). */
  preview?: PreviewFrame;
}

/** The current x0 prediction decoded by TAEF1: a small RGBA image (at most 512 px a side) and what it cost. */
export interface PreviewFrame {
  step: number;
  steps: number;
  image: RgbaImage;
  /** Wall time of decoding and reading it back, ms (the step itself: Progress.gpuStepMs, or elapsed per step). */
  decodeMs: number;
}

/** Prompt enhancement with the loaded text encoder run as a chat model (Qwen3, thinking off). */
export interface EnhanceRequest {
  /** 'create': a short prompt becomes a detailed one; 'edit': an instruction (+ the source's prompt) becomes the prompt for the masked region. */
  mode: 'create' | 'edit';
  prompt: string;
  /** Edit: the prompt the source image was made from, when its PNG metadata has one. */
  sourcePrompt?: string;
  seed: number;
  /** 0: greedy. Default 0.7 with top-p 0.8 (Qwen3's settings for non-thinking chat). */
  temperature?: number;
  topP?: number;
  maxNewTokens?: number;
}

/** Streamed while enhancing: the text so far (replace, don't append). */
export interface EnhanceUpdate {
  phase: 'loading' | 'reading' | 'writing';
  text: string;
  tokens: number;
  /** Decode speed so far; null before the second token. */
  tokensPerSecond: number | null;
}

export interface EnhanceResult {
  text: string;
  tokens: number;
  promptTokens: number;
  /** A stop token ended it (false: the token limit did). */
  finished: boolean;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number | null;
}

export interface GenerateResult {
  image: RgbaImage;
  /** A PNG with `meta` in a tEXt chunk. */
  png: ArrayBuffer;
  /**
   * The image's parameters as they ran, the seed and the model's label included: what the PNG carries and the gallery
   * keeps. `meta.mode` is what actually ran: an edit request runs as 'inpaint' when no omni-capable model is loaded.
   */
  meta: ImageMetadata;
  elapsedMs: number;
  /** Mean GPU time per denoising step (timestamp queries), or null where the device cannot measure it. */
  gpuMsPerStep: number | null;
}

export interface TokenCount {
  tokens: number;
  max: number;
  truncated: boolean;
}

export interface EngineApi {
  /** Acquires (or re-creates after a loss) the GPU device and reports it. */
  deviceInfo(): Promise<Result<DeviceInfo>>;
  /** Loads a stored (or the embedded) model set into GPU memory. */
  loadModel(setId: string, onProgress?: (p: Progress) => void): Promise<Result<LoadedModel>>;
  unloadModel(): Promise<Result<void>>;
  loadedModel(): Promise<LoadedModel | null>;
  countTokens(prompt: string): Promise<Result<TokenCount>>;
  /** Canny edges of an image as a control image (white edges on black), for the Control panel's preview. */
  cannyEdges(image: RgbaImage, thresholds: { low: number; high: number }): Promise<Result<RgbaImage>>;
  /** Queued: one job runs at a time. `jobId` names it for cancel(). */
  generate(jobId: string, request: GenerateRequest, onProgress?: (p: Progress) => void): Promise<Result<GenerateResult>>;
  /** Queued like generate; streams the text through onUpdate; cancel(jobId) stops it before the next token. */
  enhancePrompt(jobId: string, request: EnhanceRequest, onUpdate?: (u: EnhanceUpdate) => void): Promise<Result<EnhanceResult>>;
  /** Stops a queued or running job between steps; its promise resolves with a 'cancelled' error. */
  cancel(jobId: string): Promise<void>;
}

/** Everything the engine worker exposes (the model library's half: modelsProtocol.ts). */
export type WorkerApi = EngineApi & ModelsApi & LorasApi;
