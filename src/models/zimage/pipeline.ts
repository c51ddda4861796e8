// The generation pipelines on loaded networks: text-to-image, image-to-image, inpaint, and the edit request (run
// as masked inpainting with the instruction as prompt when no omni-capable model is loaded), plus the base model's
// classifier-free guidance. Semantics follow diffusers' ZImagePipeline / ZImageImg2ImgPipeline /
// ZImageInpaintPipeline (zimage-spec §6).
import type { Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import { Rng } from '../../lib/rng.ts';
import { chwToRgba, composite, inwardFeather, maskToLatent, rgbaToChw } from './imageOps.ts';
import { flowMatchSchedule, strengthStartIndex } from './scheduler.ts';
import { omniSegments } from './tokenizer.ts';
import { omniForward } from './omni.ts';
import type { PreparedCaption } from './transformer.ts';
import type { ControlInput } from './control.ts';
import { type ControlPath, prepareControl } from './pipelineControl.ts';
import type { ZImageNetworks } from './networks.ts';
import { type PipelineMode, type PipelineRequest, validateRequest } from './request.ts';

export type { ZImageNetworks } from './networks.ts';
export type { PipelineMode, PipelineRequest } from './request.ts';
import { decodeTiled, encodeTiled } from './vaeTiling.ts';

export interface PipelineHooks {
  onPhase(phase: 'tokenizing' | 'encoding' | 'denoising' | 'decoding', step?: number, steps?: number): void;
  /** Throws (a 'cancelled' StudioError) when the job was cancelled; called between steps. */
  checkCancelled(): void;
  /** After each denoising step: the GPU's own time for it (timestamp queries), or null where unavailable. */
  onStepGpuTime?(ms: number | null): void;
  /**
   * Live previews: after each denoising step (1-based `step` of `steps`), the current prediction of the clean latents
   * x0 = z + sigma * out (16, h, w), in the sampler's space. The pipeline releases it once the promise settles.
   */
  onPreview?(x0: Tensor, step: number, steps: number): Promise<void>;
}

export interface PipelineResult {
  rgba: Uint8ClampedArray;
  width: number;
  height: number;
  ranMode: PipelineMode;
  /** Which control path ran: 'control-inpaint' = the control model's inpaint mode, 'none' = no ControlNet. */
  controlPath: ControlPath;
}

export const LATENT_CHANNELS = 16;

/** The initial noise: a documented seeded generator (lib/rng.ts), (16, H/8, W/8). */
export function initialNoise(seed: number, width: number, height: number): Float32Array {
  return new Rng(seed).normalArray(LATENT_CHANNELS * (height / 8) * (width / 8));
}

/** A prompt through the text encoder and the DiT's caption path, once per generation (every step reuses it). */
async function prepareCaption(net: ZImageNetworks, prompt: string, hold: <T extends Tensor | null>(t: T) => T): Promise<PreparedCaption> {
  const te = await net.textEncoder();
  const feats = await te.encode(net.tokenizer.encodePrompt(prompt).ids); // (Lc, 2560)
  try {
    const prepared = net.transformer.prepareCaption(feats);
    hold(prepared.tokens);
    return prepared;
  } finally {
    feats.release();
  }
}

export async function runPipeline(net: ZImageNetworks, req: PipelineRequest, hooks: PipelineHooks): Promise<PipelineResult> {
  validateRequest(req);
  const gpu = net.gpu;
  // Edit runs the omni path (the source as a clean reference latent) on an omni-capable checkpoint; otherwise it
  // runs as masked inpainting with the instruction as prompt, or image-to-image without a mask.
  const omni = req.mode === 'edit' && net.transformer.cfg.siglipFeatDim !== null;
  const ranMode: PipelineMode = req.mode === 'edit' && !omni ? (req.mask ? 'inpaint' : 'image-to-image') : req.mode;
  const guidance = req.guidanceScale ?? 0;
  const useCfg = guidance > 0 && !omni; // CFG for the omni path (its negative branch reuses the references) is not built yet

  hooks.onPhase('tokenizing');
  hooks.checkCancelled();
  hooks.onPhase('encoding');
  const h = req.height / 8;
  const w = req.width / 8;
  const held: Tensor[] = []; // every tensor of the job, released however it ends
  const hold = <T extends Tensor | null>(t: T): T => (t && held.push(t), t);
  try {
    const cap = omni ? null : await prepareCaption(net, req.prompt, hold);
    // Each omni caption segment goes through the text encoder on its own (zimage-spec §9).
    const segments: Tensor[] = [];
    for (const text of omni ? omniSegments(req.prompt, 1) : []) segments.push(hold(await (await net.textEncoder()).encode(net.tokenizer.encodeText(text).ids)));
    const neg = useCfg ? await prepareCaption(net, req.negativePrompt ?? '', hold) : null;
    if (req.lowMemory) net.releaseTextEncoder();
    const schedule = flowMatchSchedule(req.steps, net.shift);
    const noise = hold(gpu.upload(initialNoise(req.seed, req.width, req.height), [LATENT_CHANNELS, h, w], 'f32', 'noise'));
    // The control model's inpaint mode starts from pure noise and never blends the source back in (diffusers'
    // ZImageControlNetInpaintPipeline); the composite below keeps every unmasked pixel.
    const wantsMask = (ranMode === 'inpaint' || omni) && !!req.mask;
    const ctl = req.control && net.controlNet && !omni ? await prepareControl(gpu, net.vae, await net.controlNet(), req, wantsMask, hold) : NO_CONTROL;
    let start = 0;
    let z: Tensor;
    let x0: Tensor | null = null; // the source latent that masked steps blend back in
    if (ranMode === 'text-to-image' || omni || ctl.path === 'control-inpaint') {
      let copy!: Tensor;
      gpu.run((b) => (copy = ops.scale(b, noise, 1))); // a copy: z is updated in place
      z = hold(copy);
    } else {
      x0 = hold(await encodeSource(net, req));
      start = strengthStartIndex(req.steps, req.strength ?? (ranMode === 'inpaint' ? 1 : 0.6));
      if (start >= req.steps) throw new StudioError('bad-request', 'The strength is too low to run any step; raise it.');
      z = hold(lerpNoise(gpu, noise, x0, schedule.sigmas[start]));
    }
    // The omni edit: the source image's latent is a clean reference; a mask, if any, confines the change.
    const ref = omni ? hold(await encodeSource(net, req)) : null;
    if (ref) x0 = ref;
    const masked = (ranMode === 'inpaint' || omni) && req.mask;
    const latentMask = masked && ctl.path !== 'control-inpaint' ? hold(gpu.upload(maskToLatent(req.mask!.data, req.width, req.height, w, h), [h, w], 'f32', 'latent-mask')) : null;

    for (let i = start; i < req.steps; i++) {
      hooks.checkCancelled();
      hooks.onPhase('denoising', i - start + 1, req.steps - start);
      const timer = hooks.onStepGpuTime ? gpu.startTimer() : null; // the step's GPU time, where measurable
      let preview: Tensor | null = null; // (16, h, w) x0 prediction for onPreview
      try {
        const t = 1 - schedule.sigmas[i];
        const control = ctl.at(i, req.steps);
        let pred = ref ? omniForward(net.transformer, { images: [ref, z], noisy: [false, true], caps: segments, t }) : net.transformer.forward(z, cap!, t, control);
        try {
          if (neg && t <= (req.cfgTruncation ?? 1)) pred = await guide(gpu, net, pred, z, neg, t, guidance, req.cfgNormalization ?? 0, control);
          const dSigma = schedule.sigmas[i] - schedule.sigmas[i + 1];
          gpu.run((b) => ops.eulerStep(b, z, pred, dSigma)); // z += (sigma_i - sigma_{i+1}) * out  (velocity = -out)
          if (hooks.onPreview) preview = hold(x0Prediction(gpu, z, pred, schedule.sigmas[i + 1]));
        } finally {
          pred.release();
        }
        if (latentMask && x0) {
          const known = lerpNoise(gpu, noise, x0, schedule.sigmas[i + 1]);
          try {
            gpu.run((b) => ops.maskedBlend(b, z, known, latentMask, { inPlace: true }));
          } finally {
            known.release();
          }
        }
        await gpu.sync(); // one step at a time: cancel and device loss are noticed within a step
      } finally {
        const total = timer?.stop().catch(() => null); // after a failure, the step's own error is the one reported
        if (total) hooks.onStepGpuTime?.((await total)?.ms ?? null);
      }
      if (preview && hooks.onPreview) {
        await hooks.onPreview(preview, i - start + 1, req.steps - start); // outside the step's GPU time
        held.splice(held.indexOf(preview), 1); // held until here: a failure anywhere in the step releases it with the job
        preview.release();
      }
    }

    hooks.checkCancelled();
    hooks.onPhase('decoding');
    const pixels = await decodeTiled(gpu, net.vae, z);
    let rgba = chwToRgba(pixels, req.width, req.height);
    if ((ranMode === 'inpaint' || omni) && req.image && req.mask) rgba = composite(rgba, req.image.data, inwardFeather(req.mask.data, req.width, req.height, 8));
    return { rgba, width: req.width, height: req.height, ranMode, controlPath: ctl.path };
  } finally {
    for (const t of held) t.release();
  }
}

const NO_CONTROL = { path: 'none' as const, input: null, at: () => undefined };

/** The source image's latent (tiled above 384² so large images fit the memory budget). */
function encodeSource(net: ZImageNetworks, req: PipelineRequest): Promise<Tensor> {
  return encodeTiled(net.gpu, net.vae, rgbaToChw(req.image!.data, req.width, req.height), req.height, req.width);
}

/** x0 = z_{i+1} + sigma_{i+1} * out (= z_i + sigma_i * out): the Euler step all the way to sigma = 0, (16, h, w). */
function x0Prediction(gpu: Gpu, z: Tensor, out: Tensor, sigma: number): Tensor {
  let x0!: Tensor;
  gpu.run((b) => {
    x0 = ops.scale(b, out, sigma);
    ops.add(b, x0, z, { inPlace: true });
  });
  return x0;
}

/** sigma * noise + (1 - sigma) * x0 (diffusers' scale_noise). */
function lerpNoise(gpu: Gpu, noise: Tensor, x0: Tensor, sigma: number): Tensor {
  let out!: Tensor;
  gpu.run((b) => {
    out = ops.scale(b, noise, sigma);
    const part = ops.scale(b, x0, 1 - sigma);
    ops.add(b, out, part, { inPlace: true });
    part.release();
  });
  return out;
}

/** Classifier-free guidance on model outputs: pos + g (pos - neg), optionally renormalised to |pos| * k. */
async function guide(gpu: Gpu, net: ZImageNetworks, pos: Tensor, z: Tensor, negCap: PreparedCaption, t: number, g: number, norm: number, control?: ControlInput): Promise<Tensor> {
  let pred: Tensor | null = null;
  try {
    const negOut = net.transformer.forward(z, negCap, t, control); // both branches see the hints (VideoX-Fun)
    try {
      gpu.run((b) => {
        const diff = ops.scale(b, negOut, -1);
        ops.add(b, diff, pos, { inPlace: true }); // pos - neg
        ops.scale(b, diff, g, { inPlace: true });
        pred = ops.add(b, pos, diff);
        diff.release();
      });
    } finally {
      negOut.release();
    }
    const out: Tensor = pred!;
    if (norm > 0) {
      const [p, q] = await Promise.all([gpu.read(pos), gpu.read(out)]);
      const n = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
      const maxNorm = n(p) * norm;
      const cur = n(q);
      if (cur > maxNorm) gpu.run((b) => ops.scale(b, out, maxNorm / cur, { inPlace: true }));
    }
    return out;
  } catch (err) {
    (pred as Tensor | null)?.release();
    throw err;
  } finally {
    pos.release();
  }
}
