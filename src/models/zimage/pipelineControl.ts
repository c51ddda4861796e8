// ControlNet in the pipelines: the control paths (route.ts picks one), a request's control input, and the steps the
// hints apply to.
//   'control'          text-to-image (or image-to-image / plain inpaint) with a control image's hints
//   'control-inpaint'  a masked edit through the control model's inpaint mode (diffusers'
//                      ZImageControlNetInpaintPipeline): the control input carries the mask and the masked image's
//                      latents, denoising starts from pure noise with no per-step blending, and the pipeline
//                      composites the result so pixels outside the mask never change
//   'none'             no ControlNet (none stored or none asked for)
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import type { ControlInput, ZImageControlNet } from './control.ts';
import { buildControlContext } from './controlContext.ts';
import { rgbaToChw } from './imageOps.ts';
import type { AutoencoderKL } from './autoencoder.ts';
import type { Gpu } from '../../engine/gpu.ts';

export type ControlPath = 'none' | 'control' | 'control-inpaint';

export interface ControlRequest {
  /** The control image (edges, scribble, depth, pose) at the request's size, RGBA8; null: none (inpaint mode only). */
  image: { width: number; height: number; data: Uint8Array } | null;
  /** conditioning scale: hints are added times this (VideoX-Fun control_context_scale). */
  scale: number;
  /** The fraction of steps the hints apply to: step i runs with control when start <= i / steps < end. */
  start: number;
  end: number;
  /** Masked edits: use the control model's inpaint mode (true) or the plain inpaint path (false). */
  inpaint: boolean;
}

export interface PreparedControl {
  path: ControlPath;
  input: ControlInput | null;
  /** The control input for step i of `steps`, or undefined outside [start, end). */
  at(i: number, steps: number): ControlInput | undefined;
}

export const NO_CONTROL: PreparedControl = { path: 'none', input: null, at: () => undefined };

export function validateControl(c: ControlRequest, width: number, height: number): void {
  if (!Number.isFinite(c.scale) || c.scale < 0 || c.scale > 2) throw new StudioError('bad-request', `The control strength must be between 0 and 2; got ${c.scale}.`);
  if (!(c.start >= 0 && c.end <= 1 && c.start < c.end)) throw new StudioError('bad-request', `Control start and end must satisfy 0 <= start < end <= 1; got ${c.start} and ${c.end}.`);
  if (c.image && (c.image.width !== width || c.image.height !== height || c.image.data.length !== width * height * 4))
    throw new StudioError('bad-request', `The control image is ${c.image.width}×${c.image.height} but the request is ${width}×${height}; resize it first.`);
}

/**
 * The control input for the path the route chose (route.ts), held by `hold` and released with the job. A request
 * with hints for a loaded ControlNet is validated even when its path is 'none'.
 */
export async function prepareControl(
  gpu: Gpu,
  vae: AutoencoderKL,
  net: ZImageControlNet | null,
  req: { width: number; height: number; control?: ControlRequest; image?: { data: Uint8Array }; mask?: { data: Uint8Array } },
  path: ControlPath,
  hold: (t: Tensor) => Tensor,
): Promise<PreparedControl> {
  const c = req.control;
  if (!c || !net) return NO_CONTROL;
  validateControl(c, req.width, req.height);
  if (path === 'none') return NO_CONTROL; // nothing to steer with
  const inpaint = path === 'control-inpaint';
  const { width: W, height: H } = req;
  const images = {
    control: c.image ? rgbaToChw(c.image.data, W, H) : null,
    inpaint: inpaint ? { image: rgbaToChw(req.image!.data, W, H), mask: req.mask!.data } : undefined,
  };
  const context = hold(await buildControlContext(gpu, vae, net.cfg, images, W, H));
  const input: ControlInput = { net, context, scale: c.scale };
  return {
    path,
    input,
    at: (i, steps) => (i / steps >= c.start && i / steps < c.end && c.scale > 0 ? input : undefined),
  };
}
