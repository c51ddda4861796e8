// The ControlNet's input (Cc, H/8, W/8), as VideoX-Fun's ZImageControlPipeline and diffusers'
// ZImageControlNetInpaintPipeline assemble it:
//   control latents  = the VAE's posterior mode of the control image, (mean - shift) * scale (zeros without one)
//   mask channel     = 1 - mask (1 = repaint), nearest-downsampled to the latent grid (the pixel at (8i, 8j))
//   masked latents   = the same VAE encoding of image * (mask < 0.5) (zeros without an image)
// A 16-channel ControlNet (1.0) takes the control latents alone; the 33-channel Union models take all three, and a
// plain control run gives them the control latents then 17 zero channels (mask 0 = keep nothing, no image).
import type { Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { AutoencoderKL } from './autoencoder.ts';
import { CONTROL_LATENT_CHANNELS, type ControlConfig } from './controlConfig.ts';
import { maskToLatent } from './imageOps.ts';
import { encodeTiled } from './vaeTiling.ts';

export interface ControlImages {
  /** The control image (edges, scribble, depth, pose) as (3, H, W) in [-1, 1], or null for none (inpaint only). */
  control: Float32Array | null;
  /** Inpaint mode: the source image (3, H, W) in [-1, 1] and the mask (H*W bytes, >= 128 = repaint). */
  inpaint?: { image: Float32Array; mask: Uint8Array };
}

/** image * (mask < 0.5): the pixels to keep, the repainted ones zeroed (mid-grey in [-1, 1]). */
export function maskedImage(image: Float32Array, mask: Uint8Array): Float32Array {
  const n = mask.length;
  const out = new Float32Array(image.length);
  for (let c = 0; c < image.length / n; c++) for (let i = 0; i < n; i++) out[c * n + i] = mask[i] >= 128 ? 0 : image[c * n + i];
  return out;
}

/** 1 - mask on the latent grid (h, w): 1 where the image is kept. */
export function keepMaskLatent(mask: Uint8Array, width: number, height: number): Float32Array {
  const m = maskToLatent(mask, width, height, width / 8, height / 8);
  for (let i = 0; i < m.length; i++) m[i] = 1 - m[i];
  return m;
}

/** Assembles the control input (cfg.inDim, H/8, W/8) for an image of `width` x `height` pixels; owned by the caller. */
export async function buildControlContext(gpu: Gpu, vae: AutoencoderKL, cfg: ControlConfig, images: ControlImages, width: number, height: number): Promise<Tensor> {
  const h = height / 8;
  const w = width / 8;
  const C = CONTROL_LATENT_CHANNELS;
  const plane = h * w; // elements per latent channel
  const zeros = (channels: number) => gpu.upload(new Float32Array(channels * plane), [channels, h, w], 'f32', 'control-zeros');
  // async (VAE encodes are read back between tiles): explicit ownership, released in the finally
  const control = images.control ? await encodeTiled(gpu, vae, images.control, height, width) : zeros(C); // (16, h, w)
  if (cfg.inDim === C) return control;
  const parts: Tensor[] = [control];
  try {
    if (images.inpaint) {
      const { image, mask } = images.inpaint;
      parts.push(gpu.upload(keepMaskLatent(mask, width, height), [1, h, w], 'f32', 'control-mask'));
      parts.push(await encodeTiled(gpu, vae, maskedImage(image, mask), height, width));
    } else {
      parts.push(zeros(cfg.inDim - C));
    }
    const out = gpu.run((b) => ops.concatRows(b, parts.map((p) => p.reshape([p.shape[0], plane]))), 'control-context'); // (Cc, h*w)
    return out.withShape([cfg.inDim, h, w]);
  } finally {
    for (const p of parts) p.release();
  }
}
