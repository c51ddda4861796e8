// Live step previews: the current x0 prediction decoded by TAEF1 (taef1.ts) into a small RGBA image. TAEF1 returns
// RGB in about [0, 1]; a preview clamps it. Decoded in tiles (vaeTiling.ts), so its activations stay near 40 MB at
// any image size next to the DiT's, then box-downscaled to at most PREVIEW_MAX_SIDE pixels on a side.
import type { Gpu } from '../../engine/gpu.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { TILE_LATENTS, TILE_OVERLAP } from './config.ts';
import type { Taef1 } from './taef1.ts';
import { decodeTiled } from './vaeTiling.ts';

/** px: a preview is a glance, not the result (512 keeps the message to the UI at 1 MiB). */
export const PREVIEW_MAX_SIDE = 512;

export interface PreviewImage {
  width: number;
  height: number;
  data: Uint8ClampedArray; // RGBA8, width * height * 4
}

/** (3, H, W) in [0, 1] -> RGBA8, averaged over f x f pixel boxes (f = the smallest whole factor that fits maxSide). */
export function previewRgba(chw: Float32Array, H: number, W: number, maxSide = PREVIEW_MAX_SIDE): PreviewImage {
  const f = Math.max(1, Math.ceil(Math.max(H, W) / maxSide));
  const h = Math.floor(H / f);
  const w = Math.floor(W / f);
  const data = new Uint8ClampedArray(w * h * 4);
  const plane = H * W;
  const norm = 255 / (f * f);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const o = (y * w + x) * 4;
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = 0; dy < f; dy++) {
          const row = c * plane + (y * f + dy) * W + x * f;
          for (let dx = 0; dx < f; dx++) sum += Math.min(1, Math.max(0, chw[row + dx]));
        }
        data[o + c] = Math.round(sum * norm);
      }
      data[o + 3] = 255;
    }
  return { width: w, height: h, data };
}

/** Decodes x0 (16, h, w) with TAEF1 into a preview image. Does not release x0. */
export async function decodePreview(gpu: Gpu, taef1: Taef1, x0: Tensor, maxSide = PREVIEW_MAX_SIDE): Promise<PreviewImage> {
  const [, h, w] = x0.shape;
  const chw = await decodeTiled(gpu, taef1, x0, TILE_LATENTS, TILE_OVERLAP); // (3, 8h, 8w)
  return previewRgba(chw, 8 * h, 8 * w, maxSide);
}
