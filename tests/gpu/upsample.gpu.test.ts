import { describe, expect, it } from 'vitest';
import { upsampleNearest2x } from '../../src/engine/kernels/upsampleNearest2x.ts';
import { upsampleNearest2xRef } from '../../src/engine/ref/upsampleNearest2x.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

// C in {1, 3, 16, 33}, H/W in {1, 2, 7, 17, 33} and one plane larger than a workgroup's 1024 outputs.
const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [3, 2, 7],
  [16, 17, 1],
  [33, 7, 33],
  [1, 33, 17],
  [3, 45, 29],
];

describe('upsample_nearest2x vs CPU loops', () => {
  SHAPES.forEach((shape, i) => {
    const seed = 500 + i;
    it(`(${shape}) -> (${shape[0]}, ${2 * shape[1]}, ${2 * shape[2]}), seed=${seed}`, async () => {
      const gpu = await getGpu();
      const x = new Rng(seed).normalArray(shape[0] * shape[1] * shape[2]); // (C, H, W)
      const tx = gpu.upload(x, shape);
      let ty = tx;
      gpu.run((b) => {
        ty = upsampleNearest2x(b, tx);
      });
      expect(ty.shape).toEqual([shape[0], 2 * shape[1], 2 * shape[2]]);
      expectClose(await gpu.read(ty), upsampleNearest2xRef(x, shape), 0, 0, `upsample (${shape})`); // a copy: exact
      tx.release();
      ty.release();
    });
  });

  it('writes into a given out tensor and rejects bad ones, seed=510', async () => {
    const gpu = await getGpu();
    const x = new Rng(510).normalArray(3 * 5 * 4);
    const tx = gpu.upload(x, [3, 5, 4]);
    const out = gpu.empty([3, 10, 8]);
    gpu.run((b) => expect(upsampleNearest2x(b, tx, { out })).toBe(out));
    expectClose(await gpu.read(out), upsampleNearest2xRef(x, [3, 5, 4]), 0, 0, 'upsample out=');
    const b = gpu.batch();
    expect(() => upsampleNearest2x(b, tx, { out: gpu.empty([3, 10, 9]) })).toThrow(RangeError);
    expect(() => upsampleNearest2x(b, tx.reshape([60]))).toThrow(RangeError);
    b.submit();
    tx.release();
    out.release();
  });
});
