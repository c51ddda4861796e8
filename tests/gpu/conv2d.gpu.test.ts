import { describe, expect, it } from 'vitest';
import { conv2d, type Conv2dPadding, type Conv2dTiles, upsampleConv2d } from '../../src/engine/kernels/conv2d.ts';
import { conv2dRef } from '../../src/engine/ref/conv2d.ts';
import { upsampleNearest2xRef } from '../../src/engine/ref/upsampleNearest2x.ts';
import { roundToF16 } from '../../src/lib/f16.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

interface Case {
  cin: number;
  h: number;
  w: number;
  cout: number;
  k: 1 | 3;
  dtype: 'f32' | 'f16';
  padding?: Conv2dPadding;
  stride?: 1 | 2;
  tiles?: Conv2dTiles;
  upsample?: boolean;
}

/** Random x, weight scaled by 1/sqrt(K) so outputs stay O(1), and bias. */
function inputs(rng: Rng, c: Case) {
  const x = rng.normalArray(c.cin * c.h * c.w); // (Cin, H, W)
  const wt = rng.normalArray(c.cout * c.cin * c.k * c.k); // (Cout, Cin, k, k)
  const scale = 1 / Math.sqrt(c.cin * c.k * c.k);
  for (let i = 0; i < wt.length; i++) wt[i] = c.dtype === 'f16' ? roundToF16(wt[i] * scale) : wt[i] * scale;
  const bias = rng.normalArray(c.cout); // (Cout)
  return { x, wt, bias };
}

async function check(seed: number, c: Case): Promise<void> {
  const gpu = await getGpu();
  const { x, wt, bias } = inputs(new Rng(seed), c);
  const xShape = c.upsample ? [c.cin, 2 * c.h, 2 * c.w] : [c.cin, c.h, c.w];
  const xRef = c.upsample ? upsampleNearest2xRef(x, [c.cin, c.h, c.w]) : x;
  const want = conv2dRef(xRef, xShape, wt, [c.cout, c.cin, c.k, c.k], bias, { stride: c.stride, padding: c.padding });
  const tx = gpu.upload(x, [c.cin, c.h, c.w]);
  const tw = gpu.upload(wt, [c.cout, c.cin, c.k, c.k], c.dtype);
  const tb = gpu.upload(bias, [c.cout]);
  let ty = null as unknown as ReturnType<typeof conv2d>;
  gpu.run((b) => {
    ty = c.upsample
      ? upsampleConv2d(b, tx, tw, tb, { tiles: c.tiles })
      : conv2d(b, tx, tw, tb, { stride: c.stride, padding: c.padding, tiles: c.tiles });
  });
  expect(ty.shape).toEqual(want.shape);
  expectClose(await gpu.read(ty), want.data, 2e-5, 2e-5, `conv2d ${JSON.stringify(c)}`);
  for (const t of [tx, tw, tb, ty]) t.release();
}

// Shapes: C in {1, 3, 16, 33, 70} (70 > one 64-channel tile), H/W in {1, 2, 7, 17, 33}, both weight dtypes.
const CASES: Case[] = [
  { cin: 3, h: 7, w: 7, cout: 16, k: 3, dtype: 'f32' },
  { cin: 32, h: 17, w: 33, cout: 32, k: 3, dtype: 'f32' }, // the 17..32-channel tile
  { cin: 16, h: 9, w: 5, cout: 17, k: 3, dtype: 'f16', padding: 'vae-down' },
  { cin: 33, h: 17, w: 17, cout: 33, k: 3, dtype: 'f16' },
  { cin: 16, h: 1, w: 1, cout: 3, k: 3, dtype: 'f32' },
  { cin: 1, h: 33, w: 2, cout: 70, k: 3, dtype: 'f16' },
  { cin: 16, h: 33, w: 33, cout: 3, k: 3, dtype: 'f16' },
  { cin: 70, h: 2, w: 7, cout: 16, k: 3, dtype: 'f32' },
  { cin: 33, h: 7, w: 17, cout: 16, k: 1, dtype: 'f32' },
  { cin: 16, h: 33, w: 1, cout: 70, k: 1, dtype: 'f16' },
  { cin: 3, h: 2, w: 2, cout: 16, k: 3, dtype: 'f32', padding: 'vae-down' },
  { cin: 16, h: 17, w: 7, cout: 33, k: 3, dtype: 'f16', padding: 'vae-down' },
  { cin: 33, h: 33, w: 33, cout: 3, k: 3, dtype: 'f32', padding: 'vae-down' },
  { cin: 3, h: 7, w: 2, cout: 16, k: 3, dtype: 'f16', padding: 'same', stride: 2 },
  { cin: 33, h: 17, w: 7, cout: 70, k: 3, dtype: 'f32', tiles: { WG_M: 8, WG_N: 8, TK: 8 } },
  { cin: 16, h: 7, w: 17, cout: 16, k: 3, dtype: 'f16', tiles: { WG_M: 4, WG_N: 64, TK: 4 } },
];

describe('conv2d (implicit GEMM) vs CPU loops', () => {
  CASES.forEach((c, i) => {
    const seed = 100 + i;
    it(`${c.k}x${c.k} ${c.padding ?? 'same'} s${c.stride ?? (c.padding === 'vae-down' ? 2 : 1)} ${c.cin}->${c.cout} @${c.h}x${c.w} w=${c.dtype}${c.tiles ? ' tiles=' + JSON.stringify(c.tiles) : ''}, seed=${seed}`, async () => {
      await check(seed, c);
    });
  });

  const UP_CASES: Case[] = [
    { cin: 16, h: 7, w: 5, cout: 16, k: 3, dtype: 'f16', upsample: true },
    { cin: 3, h: 1, w: 1, cout: 33, k: 3, dtype: 'f32', upsample: true },
    { cin: 33, h: 17, w: 2, cout: 3, k: 3, dtype: 'f32', upsample: true },
  ];
  UP_CASES.forEach((c, i) => {
    const seed = 200 + i;
    it(`upsampleConv2d (nearest x2 fused) ${c.cin}->${c.cout} @${c.h}x${c.w} w=${c.dtype}, seed=${seed}`, async () => {
      await check(seed, c);
    });
  });

  it('writes into a given out tensor and rejects bad shapes, seed=300', async () => {
    const gpu = await getGpu();
    const c: Case = { cin: 3, h: 7, w: 7, cout: 16, k: 3, dtype: 'f32' };
    const { x, wt, bias } = inputs(new Rng(300), c);
    const tx = gpu.upload(x, [3, 7, 7]);
    const tw = gpu.upload(wt, [16, 3, 3, 3]);
    const tb = gpu.upload(bias, [16]);
    const out = gpu.empty([16, 7, 7]);
    gpu.run((b) => expect(conv2d(b, tx, tw, tb, { out })).toBe(out));
    expectClose(await gpu.read(out), conv2dRef(x, [3, 7, 7], wt, [16, 3, 3, 3], bias).data, 2e-5, 2e-5, 'conv2d out=');
    const b = gpu.batch();
    expect(() => conv2d(b, tx, tw, tb, { out: gpu.empty([16, 7, 6]) })).toThrow(RangeError);
    expect(() => conv2d(b, tx, tw, tb, { out: tx.reshape([3, 7, 7]) })).toThrow(RangeError);
    expect(() => conv2d(b, tx, tw, tb, { padding: 'vae-down', stride: 1 })).toThrow(RangeError);
    expect(() => conv2d(b, tx, tw.reshape([16, 27, 1, 1]), tb)).toThrow(RangeError);
    expect(() => conv2d(b, tx, tw, tb.reshape([4, 4]))).toThrow(RangeError);
    expect(() => conv2d(b, tx, tw, tb, { tiles: { WG_M: 2, WG_N: 16, TK: 16 } })).toThrow(RangeError); // WG_M not a multiple of 4
    const one = gpu.upload(new Float32Array(3), [3, 1, 1]);
    expect(() => conv2d(b, one, tw, tb, { padding: 'vae-down' })).toThrow(RangeError); // 1x1 input: no stride-2 output
    b.submit();
    for (const t of [tx, tw, tb, out, one]) t.release();
  });
});
