// Tiled VAE decode and encode place and blend tiles correctly: with stand-ins that are local and position-consistent
// (decode: nearest x8 upsampling of the first 3 channels; encode: 4 of the 192 values of each 8x8 patch), the tiled
// result must equal the untiled one.
import { describe, it } from 'vitest';
import type { Batch } from '../../src/engine/gpu.ts';
import { sliceRows, transpose2d } from '../../src/engine/kernels/elementwise.ts';
import { patchify } from '../../src/engine/kernels/patchify.ts';
import { upsampleNearest2x } from '../../src/engine/kernels/upsampleNearest2x.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import type { AutoencoderKL } from '../../src/models/zimage/autoencoder.ts';
import { decodeTiled, encodeTiled } from '../../src/models/zimage/vaeTiling.ts';
import { expectClose, getGpu } from './harness.ts';

function nearestX8(b: Batch, z: Tensor): Tensor {
  const [C, h, w] = z.shape;
  let x = sliceRows(b, z.reshape([C, h * w]), 0, 3).withShape([3, h, w]);
  for (let i = 0; i < 3; i++) {
    const up = upsampleNearest2x(b, x);
    x.release();
    x = up;
  }
  return x; // (3, 8h, 8w)
}

describe('tiled VAE decode', () => {
  for (const [h, w, tile, overlap] of [
    [12, 20, 8, 4],
    [17, 9, 6, 2],
  ]) {
    it(`matches the untiled decode for a ${h}x${w} latent in ${tile}-latent tiles, seed=${h * w}`, async () => {
      const gpu = await getGpu();
      const fake = {
        cfg: { latentChannels: 4 },
        decode: (z: Tensor) => {
          let out!: Tensor;
          gpu.run((b) => (out = nearestX8(b, z)));
          return out;
        },
      } as unknown as AutoencoderKL;
      const z = gpu.upload(new Rng(h * w).normalArray(4 * h * w), [4, h, w]);
      const whole = await decodeTiled(gpu, fake, z, 64, 8); // one tile: the plain decode
      const tiled = await decodeTiled(gpu, fake, z, tile, overlap);
      expectClose(tiled, whole, 1e-6, 1e-6, 'tiled vs whole');
      z.release();
    });
  }
});

/** (3, H, W) -> (4, H/8, W/8): per 8x8 patch, its first 4 values in patchify's (row, column, channel) order. */
function patchSample(b: Batch, img: Tensor): Tensor {
  const [, H, W] = img.shape;
  const tokens = patchify(b, img, { channels: 3, height: H, width: W, patch: 8 }); // (HW/64, 192)
  const cols = transpose2d(b, tokens); // (192, HW/64)
  tokens.release();
  const out = sliceRows(b, cols, 0, 4).withShape([4, H / 8, W / 8]);
  cols.release();
  return out;
}

describe('tiled VAE encode', () => {
  for (const [h, w, tile, overlap] of [
    [12, 20, 8, 4],
    [17, 9, 6, 2],
  ]) {
    it(`matches the untiled encode for a ${h * 8}x${w * 8} image in ${tile}-latent tiles, seed=${h + w}`, async () => {
      const gpu = await getGpu();
      const fake = {
        cfg: { latentChannels: 4 },
        encode: (img: Tensor) => {
          let out!: Tensor;
          gpu.run((b) => (out = patchSample(b, img)));
          return out;
        },
      } as unknown as AutoencoderKL;
      const pixels = new Rng(h + w).normalArray(3 * h * 8 * w * 8);
      const whole = await encodeTiled(gpu, fake, pixels, h * 8, w * 8, 64, 8); // one tile: the plain encode
      const tiled = await encodeTiled(gpu, fake, pixels, h * 8, w * 8, tile, overlap);
      expectClose(await gpu.read(tiled), await gpu.read(whole), 1e-6, 1e-6, 'tiled vs whole');
      whole.release();
      tiled.release();
    });
  }
});
