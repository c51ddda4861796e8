import { describe, expect, it } from 'vitest';
import { groupNorm, groupNormChunks } from '../../src/engine/kernels/groupNorm.ts';
import { groupNormRef } from '../../src/engine/ref/groupNorm.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu, SUBGROUP_PATHS } from './harness.ts';

interface Case {
  c: number;
  h: number;
  w: number;
  groups: number;
  silu: boolean;
  offset?: number; // added to x: a large mean exposes E[x^2] - E[x]^2 cancellation
  spread?: number; // std of x
}

async function check(seed: number, k: Case, atol = 3e-5, device = getGpu): Promise<void> {
  const gpu = await device();
  const rng = new Rng(seed);
  const x = rng.normalArray(k.c * k.h * k.w); // (C, H, W)
  for (let i = 0; i < x.length; i++) x[i] = (k.offset ?? 0) + (k.spread ?? 1) * x[i];
  const weight = rng.uniformArray(k.c, 0.5, 1.5); // (C)
  const bias = rng.normalArray(k.c); // (C)
  const eps = 1e-6;
  const tx = gpu.upload(x, [k.c, k.h, k.w]);
  const tw = gpu.upload(weight, [k.c]);
  const tb = gpu.upload(bias, [k.c]);
  let ty = tx;
  gpu.run((b) => {
    ty = groupNorm(b, tx, { groups: k.groups, eps, weight: tw, bias: tb, silu: k.silu });
  });
  expect(ty.shape).toEqual([k.c, k.h, k.w]);
  const want = groupNormRef(x, [k.c, k.h, k.w], { groups: k.groups, eps, weight, bias, silu: k.silu });
  expectClose(await gpu.read(ty), want, atol, 3e-5, `groupNorm ${JSON.stringify(k)}`);
  for (const t of [tx, tw, tb, ty]) t.release();
}

// groups 1, 2, 32 over C 32, 64, 96; H/W in {1, 2, 7, 17, 33}; silu on and off. Groups of 1 element
// (C = groups, 1x1) have zero variance: y = bias exactly, a check that eps is used.
const CASES: Case[] = [
  { c: 32, h: 1, w: 1, groups: 32, silu: false },
  { c: 32, h: 7, w: 17, groups: 32, silu: true },
  { c: 64, h: 2, w: 33, groups: 32, silu: false },
  { c: 96, h: 17, w: 7, groups: 32, silu: true },
  { c: 32, h: 33, w: 33, groups: 1, silu: true }, // 34848 elements per group: 9 chunks, the last partial
  { c: 64, h: 17, w: 17, groups: 2, silu: false }, // 3 chunks per group
  { c: 96, h: 1, w: 33, groups: 2, silu: true },
  { c: 96, h: 33, w: 2, groups: 1, silu: false },
];

describe('group_norm (split reduction) vs CPU loops', () => {
  for (const { path, gpu: device } of SUBGROUP_PATHS) {
    CASES.forEach((k, i) => {
      const seed = 400 + i;
      it(`C=${k.c} ${k.h}x${k.w} groups=${k.groups} silu=${k.silu}, ${path} reduction, seed=${seed}`, async () => {
        await check(seed, k, undefined, device);
      });
    });

    it(`stays accurate with a large mean and a small spread (no cancellation), ${path} reduction, seed=420`, async () => {
      // mean 300, std 0.01: a one-pass E[x^2] - E[x]^2 in f32 loses all digits of the variance here.
      // The floor is the f32 mean itself: rounded by up to 1.5e-5 near 300, i.e. 1.5e-3 after dividing by the 0.01
      // std and up to 2.3e-3 after the weight (<= 1.5). Measured on SwiftShader: 1.6e-3.
      await check(420, { c: 64, h: 33, w: 17, groups: 2, silu: true, offset: 300, spread: 0.01 }, 3e-3, device);
    });
  }

  it('uses the maximum chunk count on a large group (2.16M elements), seed=421', async () => {
    const { chunk, p } = groupNormChunks(32 * 260 * 260);
    expect(p).toBe(512);
    expect(chunk).toBeGreaterThan(4096);
    await check(421, { c: 32, h: 260, w: 260, groups: 1, silu: false });
  });

  it('writes into a given out tensor and rejects bad arguments, seed=430', async () => {
    const gpu = await getGpu();
    const rng = new Rng(430);
    const x = rng.normalArray(64 * 7 * 7);
    const weight = rng.normalArray(64);
    const bias = rng.normalArray(64);
    const tx = gpu.upload(x, [64, 7, 7]);
    const tw = gpu.upload(weight, [64]);
    const tb = gpu.upload(bias, [64]);
    const out = gpu.empty([64, 7, 7]);
    const opts = { groups: 32, eps: 1e-6, weight: tw, bias: tb };
    gpu.run((b) => expect(groupNorm(b, tx, { ...opts, out })).toBe(out));
    expectClose(await gpu.read(out), groupNormRef(x, [64, 7, 7], { groups: 32, eps: 1e-6, weight, bias }), 3e-5, 3e-5, 'groupNorm out=');
    const b = gpu.batch();
    expect(() => groupNorm(b, tx, { ...opts, groups: 5 })).toThrow(RangeError); // 64 % 5 != 0
    expect(() => groupNorm(b, tx, { ...opts, weight: tw.reshape([8, 8]) })).toThrow(RangeError);
    expect(() => groupNorm(b, tx, { ...opts, out: tx })).toThrow(RangeError); // in place is not bindable
    expect(() => groupNorm(b, tx, { ...opts, out: gpu.empty([64, 49]) })).toThrow(RangeError);
    expect(() => groupNorm(b, tx.reshape([64, 49]), opts)).toThrow(RangeError);
    b.submit();
    for (const t of [tx, tw, tb, out]) t.release();
  });
});
