// The per-mode pipelines (route.ts picks one): each prepares its own start for the shared loop (denoise.ts), its
// model call per step, and whether the decoded image is composited over the source. Semantics follow diffusers'
// ZImagePipeline / ZImageImg2ImgPipeline / ZImageInpaintPipeline / ZImageControlNetInpaintPipeline and the omni
// forward (zimage-spec §6, §9).
//   text-to-image    from pure noise
//   image-to-image   from the source latent noised to the strength's first step
//   inpaint          as image-to-image, with the known region blended back after every step and composited after
//   control-inpaint  the control model's inpaint mode: from pure noise, never blending the source back in (its
//                    control input carries the mask and the masked image's latents); composited after
//   omni-edit        from pure noise with the source as a clean reference latent; a mask, if any, confines the change
// The caption pipelines take ControlNet hints as a per-step addition (the prepared control's `at`) and, on the base
// model, classifier-free guidance; the omni edit has neither yet.
import * as ops from '../../engine/ops.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import { type DenoiseJob, type Guidance, lerpNoise, type StepModel } from './denoise.ts';
import type { Held } from './held.ts';
import { maskToLatent, rgbaToChw } from './imageOps.ts';
import type { ZImageNetworks } from './networks.ts';
import { omniForward } from './omni.ts';
import type { PreparedControl } from './pipelineControl.ts';
import type { PipelineRequest } from './request.ts';
import type { PipelineName } from './route.ts';
import { strengthStartIndex } from './scheduler.ts';
import { omniSegments } from './tokenizer.ts';
import type { PreparedCaption } from './transformer.ts';
import { encodeTiled } from './vaeTiling.ts';

/** What the text encoder made of the prompt: the refined caption (and the negative one for CFG), or omni segments. */
export type Conditioning = { kind: 'caption'; cap: PreparedCaption; neg: PreparedCaption | null } | { kind: 'omni'; segments: Tensor[] };

/** The prompt through the text encoder, once per generation (every step reuses it); held by `held`. */
export async function encodeConditioning(net: ZImageNetworks, req: PipelineRequest, pipeline: PipelineName, held: Held): Promise<Conditioning> {
  if (pipeline === 'omni-edit') {
    // Each omni caption segment goes through the text encoder on its own (zimage-spec §9).
    const segments: Tensor[] = [];
    for (const text of omniSegments(req.prompt, 1)) segments.push(held.hold(await (await net.textEncoder()).encode(net.tokenizer.encodeText(text).ids))); // (Lk, 2560)
    return { kind: 'omni', segments };
  }
  const cap = await prepareCaption(net, req.prompt, held);
  const neg = (req.guidanceScale ?? 0) > 0 ? await prepareCaption(net, req.negativePrompt ?? '', held) : null;
  return { kind: 'caption', cap, neg };
}

/** A prompt through the text encoder and the DiT's caption path. */
async function prepareCaption(net: ZImageNetworks, prompt: string, held: Held): Promise<PreparedCaption> {
  const te = await net.textEncoder();
  const feats = await te.encode(net.tokenizer.encodePrompt(prompt).ids); // (Lc, 2560)
  try {
    const prepared = net.transformer.prepareCaption(feats);
    held.hold(prepared.tokens);
    return prepared;
  } finally {
    feats.release();
  }
}

export interface ModeInput {
  net: ZImageNetworks;
  req: PipelineRequest;
  cond: Conditioning;
  noise: Tensor; // (16, h, w) the seeded initial noise
  sigmas: Float64Array; // (N + 1)
  /** ControlNet hints for the caption pipelines ('none' for the omni edit). */
  ctl: PreparedControl;
  held: Held;
}

export interface ModeRun {
  job: DenoiseJob;
  /** Composite the decoded image over the source through the feathered mask: pixels outside it never change. */
  composite: boolean;
}

export const PIPELINES: Record<PipelineName, (m: ModeInput) => Promise<ModeRun>> = {
  'text-to-image': async (m) => ({ job: captionJob(m, fromNoise(m), 0, null), composite: false }),

  'image-to-image': async (m) => {
    const { z, start } = await fromSource(m, m.req.strength ?? 0.6);
    return { job: captionJob(m, z, start, null), composite: false };
  },

  inpaint: async (m) => {
    const { z, start, x0 } = await fromSource(m, m.req.strength ?? 1);
    return { job: captionJob(m, z, start, maskedBlendBack(m, x0)), composite: true };
  },

  'control-inpaint': async (m) => ({ job: captionJob(m, fromNoise(m), 0, null), composite: true }),

  'omni-edit': async (m) => {
    if (m.cond.kind !== 'omni') throw new Error('omni-edit runs on omni caption segments');
    const { segments } = m.cond;
    const z = fromNoise(m);
    const ref = m.held.hold(await encodeSource(m)); // (16, h, w) the source, clean
    const model: StepModel = (zt, t) => omniForward(m.net.transformer, { images: [ref, zt], noisy: [false, true], caps: segments, t });
    const masked = !!m.req.mask;
    return { job: { z, start: 0, sigmas: m.sigmas, model, guidance: null, blendBack: masked ? maskedBlendBack(m, ref) : null }, composite: masked };
  },
};

/** The caption pipelines' step: the DiT on the caption with the step's ControlNet hints, and CFG where on. */
function captionJob(m: ModeInput, z: Tensor, start: number, blendBack: DenoiseJob['blendBack']): DenoiseJob {
  if (m.cond.kind !== 'caption') throw new Error(`${m.req.mode} runs on a caption`);
  const { cap, neg } = m.cond;
  const { transformer } = m.net;
  const steps = m.sigmas.length - 1;
  const model: StepModel = (zt, t, i) => transformer.forward(zt, cap, t, m.ctl.at(i, steps));
  const guidance: Guidance | null = neg && {
    negative: (zt, t, i) => transformer.forward(zt, neg, t, m.ctl.at(i, steps)), // both branches see the hints (VideoX-Fun)
    scale: m.req.guidanceScale ?? 0,
    truncation: m.req.cfgTruncation ?? 1,
    normalization: m.req.cfgNormalization ?? 0,
  };
  return { z, start, sigmas: m.sigmas, model, guidance, blendBack };
}

/** Pure noise as the start: a copy, because the loop updates z in place. (16, h, w) */
function fromNoise(m: ModeInput): Tensor {
  return m.held.hold(m.net.gpu.run((b) => ops.scale(b, m.noise, 1)));
}

/** The source latent noised to the strength's first step (diffusers' get_timesteps and scale_noise). */
async function fromSource(m: ModeInput, strength: number): Promise<{ z: Tensor; start: number; x0: Tensor }> {
  const x0 = m.held.hold(await encodeSource(m)); // (16, h, w)
  const steps = m.sigmas.length - 1;
  const start = strengthStartIndex(steps, strength);
  if (start >= steps) throw new StudioError('bad-request', 'The strength is too low to run any step; raise it.');
  const z = m.held.hold(lerpNoise(m.net.gpu, m.noise, x0, m.sigmas[start])); // (16, h, w)
  return { z, start, x0 };
}

/** The source image's latent (tiled above 384² so large images fit the memory budget), (16, h, w). */
function encodeSource({ net, req }: ModeInput): Promise<Tensor> {
  return encodeTiled(net.gpu, net.vae, rgbaToChw(req.image!.data, req.width, req.height), req.height, req.width);
}

/** After each step, the unmasked region of z is replaced by the source latent x0 at the step's next noise level. */
function maskedBlendBack(m: ModeInput, x0: Tensor): DenoiseJob['blendBack'] {
  const { gpu } = m.net;
  const [h, w] = [m.req.height / 8, m.req.width / 8];
  const latentMask = m.held.hold(gpu.upload(maskToLatent(m.req.mask!.data, m.req.width, m.req.height, w, h), [h, w], 'f32', 'latent-mask')); // (h, w)
  return (z, sigma) => {
    const known = lerpNoise(gpu, m.noise, x0, sigma); // (16, h, w)
    try {
      gpu.run((b) => ops.maskedBlend(b, z, known, latentMask, { inPlace: true }));
    } finally {
      known.release();
    }
  };
}
