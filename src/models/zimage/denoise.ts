// The denoising loop every pipeline shares: flow-match Euler steps over the schedule from a pipeline's start, with
// cancellation between steps, each step's GPU time, live previews, classifier-free guidance where the pipeline has
// a negative branch, and a blend-back hook for masked edits. What differs by mode (the start, the model call, the
// blend) comes in from modes.ts.
import type { Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { Rng } from '../../lib/rng.ts';
import type { Held } from './held.ts';

export const LATENT_CHANNELS = 16;

/** The initial noise: a documented seeded generator (lib/rng.ts), (16, H/8, W/8). */
export function initialNoise(seed: number, width: number, height: number): Float32Array {
  return new Rng(seed).normalArray(LATENT_CHANNELS * (height / 8) * (width / 8));
}

export interface DenoiseHooks {
  onPhase(phase: 'denoising', step: number, steps: number): void;
  /** Throws (a 'cancelled' StudioError) when the job was cancelled; called between steps. */
  checkCancelled(): void;
  /** After each denoising step: the GPU's own time for it (timestamp queries), or null where unavailable. */
  onStepGpuTime?(ms: number | null): void;
  /**
   * Live previews: after each denoising step (1-based `step` of `steps`), the current prediction of the clean latents
   * x0 = z + sigma * out (16, h, w), in the sampler's space. The loop releases it once the promise settles.
   */
  onPreview?(x0: Tensor, step: number, steps: number): Promise<void>;
}

/** A model call: the output for latents z (16, h, w) at step i (model time t = 1 - sigma_i), owned by the caller. */
export type StepModel = (z: Tensor, t: number, i: number) => Tensor;

/** Classifier-free guidance (diffusers' ZImagePipeline): pos + scale (pos - neg) while t <= truncation. */
export interface Guidance {
  negative: StepModel;
  scale: number;
  /** diffusers' cfg_truncation: guidance is off once t exceeds it; 1 keeps it on throughout. */
  truncation: number;
  /** diffusers' cfg_normalization: clip |pred| to |pos| * this; 0 disables. */
  normalization: number;
}

export interface DenoiseJob {
  z: Tensor; // (16, h, w) the start latents, updated in place step by step
  start: number; // the first step to run (image-to-image skips the first ones)
  sigmas: Float64Array; // (N + 1) the flow-match schedule, last = 0
  model: StepModel;
  guidance: Guidance | null;
  /** Masked edits: after each step, put the known region back in z at the next noise level sigma_{i+1}. */
  blendBack: ((z: Tensor, sigma: number) => void) | null;
}

/** Runs steps start..N-1 on job.z in place. Every tensor it makes is released, or held by `held` until it is. */
export async function denoise(gpu: Gpu, job: DenoiseJob, hooks: DenoiseHooks, held: Held): Promise<void> {
  const { z, start, sigmas, model, guidance, blendBack } = job;
  const steps = sigmas.length - 1;
  for (let i = start; i < steps; i++) {
    hooks.checkCancelled();
    hooks.onPhase('denoising', i - start + 1, steps - start);
    const timer = hooks.onStepGpuTime ? gpu.startTimer() : null; // the step's GPU time, where measurable
    let preview: Tensor | null = null; // (16, h, w) x0 prediction for onPreview
    try {
      const t = 1 - sigmas[i];
      let pred = model(z, t, i); // (16, h, w)
      try {
        if (guidance && t <= guidance.truncation) pred = await guide(gpu, pred, () => guidance.negative(z, t, i), guidance);
        const dSigma = sigmas[i] - sigmas[i + 1];
        gpu.run((b) => ops.eulerStep(b, z, pred, dSigma)); // z += (sigma_i - sigma_{i+1}) * out  (velocity = -out)
        if (hooks.onPreview) preview = held.hold(x0Prediction(gpu, z, pred, sigmas[i + 1]));
      } finally {
        pred.release();
      }
      blendBack?.(z, sigmas[i + 1]);
      await gpu.sync(); // one step at a time: cancel and device loss are noticed within a step
    } finally {
      const total = timer?.stop().catch(() => null); // after a failure, the step's own error is the one reported
      if (total) hooks.onStepGpuTime?.((await total)?.ms ?? null);
    }
    if (preview && hooks.onPreview) {
      await hooks.onPreview(preview, i - start + 1, steps - start); // outside the step's GPU time
      held.drop(preview); // held until here: a failure anywhere in the step releases it with the job
    }
  }
}

/** x0 = z_{i+1} + sigma_{i+1} * out (= z_i + sigma_i * out): the Euler step all the way to sigma = 0, (16, h, w). */
function x0Prediction(gpu: Gpu, z: Tensor, out: Tensor, sigma: number): Tensor {
  return gpu.run((b) => {
    const x0 = ops.scale(b, out, sigma);
    ops.add(b, x0, z, { inPlace: true });
    return x0;
  });
}

/** sigma * noise + (1 - sigma) * x0 (diffusers' scale_noise): a clean latent at noise level sigma, (16, h, w). */
export function lerpNoise(gpu: Gpu, noise: Tensor, x0: Tensor, sigma: number): Tensor {
  return gpu.scope(() =>
    gpu.run((b) => {
      const out = ops.scale(b, noise, sigma);
      ops.add(b, out, ops.scale(b, x0, 1 - sigma), { inPlace: true });
      return out;
    }),
  );
}

/** Classifier-free guidance on model outputs: pos + g (pos - neg), optionally renormalised to |pos| * k. Takes pos. */
async function guide(gpu: Gpu, pos: Tensor, negative: () => Tensor, g: Guidance): Promise<Tensor> {
  let out: Tensor | null = null;
  try {
    const negOut = negative(); // the model's own call, outside any scope: its caches outlive this step
    try {
      out = gpu.scope(() =>
        gpu.run((b) => {
          const diff = ops.scale(b, negOut, -1);
          ops.add(b, diff, pos, { inPlace: true }); // pos - neg
          ops.scale(b, diff, g.scale, { inPlace: true });
          return ops.add(b, pos, diff);
        }),
      );
    } finally {
      negOut.release();
    }
    const pred = out; // (16, h, w)
    if (g.normalization > 0) {
      const [p, q] = await Promise.all([gpu.read(pos), gpu.read(pred)]);
      const n = (a: Float32Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));
      const maxNorm = n(p) * g.normalization;
      const cur = n(q);
      if (cur > maxNorm) gpu.run((b) => ops.scale(b, pred, maxNorm / cur, { inPlace: true }));
    }
    return pred;
  } catch (err) {
    out?.release();
    throw err;
  } finally {
    pos.release();
  }
}
