// Tiled VAE decode places and blends tiles correctly: with a stand-in decoder that is local and position-consistent
// (nearest x8 upsampling of the first 3 channels), the tiled result must equal the untiled one.
import { describe, it } from 'vitest';
import type { Batch } from '../../src/engine/gpu.ts';
import { sliceRows } from '../../src/engine/kernels/elementwise.ts';
import { upsampleNearest2x } from '../../src/engine/kernels/upsampleNearest2x.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import type { AutoencoderKL } from '../../src/models/zimage/autoencoder.ts';
import { decodeTiled } from '../../src/models/zimage/vaeTiling.ts';
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
