import { describe, expect, it } from 'vitest';
import type { Conv2dPadding } from '../../src/engine/kernels/conv2d.ts';
import { conv2dNaive } from '../../src/engine/kernels/conv2dNaive.ts';
import { conv2dRef } from '../../src/engine/ref/conv2d.ts';
import { roundToF16 } from '../../src/lib/f16.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

// [cin, h, w, cout, k, weight dtype, padding]
const CASES: [number, number, number, number, 1 | 3, 'f32' | 'f16', Conv2dPadding][] = [
  [3, 7, 17, 16, 3, 'f32', 'same'],
  [33, 2, 1, 3, 3, 'f16', 'same'],
  [16, 17, 7, 33, 1, 'f16', 'same'],
  [16, 7, 33, 3, 3, 'f32', 'vae-down'],
];

describe('conv2d_naive (benchmark baseline) vs CPU loops', () => {
  CASES.forEach(([cin, h, w, cout, k, dtype, padding], i) => {
    const seed = 600 + i;
    it(`${k}x${k} ${padding} ${cin}->${cout} @${h}x${w} w=${dtype}, seed=${seed}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(seed);
      const x = rng.normalArray(cin * h * w); // (Cin, H, W)
      const wt = rng.normalArray(cout * cin * k * k); // (Cout, Cin, k, k)
      const scale = 1 / Math.sqrt(cin * k * k);
      for (let j = 0; j < wt.length; j++) wt[j] = dtype === 'f16' ? roundToF16(wt[j] * scale) : wt[j] * scale;
      const bias = rng.normalArray(cout); // (Cout)
      const tx = gpu.upload(x, [cin, h, w]);
      const tw = gpu.upload(wt, [cout, cin, k, k], dtype);
      const tb = gpu.upload(bias, [cout]);
      let ty = tx;
      gpu.run((b) => {
        ty = conv2dNaive(b, tx, tw, tb, { padding });
      });
      const want = conv2dRef(x, [cin, h, w], wt, [cout, cin, k, k], bias, { padding });
      expect(ty.shape).toEqual(want.shape);
      expectClose(await gpu.read(ty), want.data, 2e-5, 2e-5, `conv2dNaive case ${i}`);
      for (const t of [tx, tw, tb, ty]) t.release();
    });
  });
});
