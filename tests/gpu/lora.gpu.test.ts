// LoRA side products through the matmul epilogues: y += (x·Aᵀ)·Bᵀ via `accumulate`, and the SwiGLU addends added
// before SiLU, on every kernel (matvec M <= 8, wide, tiled), over awkward shapes (M = 1, 33; rank 1, 7, 16; N odd),
// with the base weight as f32 and as q4 (never dequantized).
import { describe, expect, it } from 'vitest';
import { matmul, type MatmulKernel, matmulSwiGLU } from '../../src/engine/kernels/matmul.ts';
import { loraProductRef, matmulRef, matmulSwiGLURef } from '../../src/engine/ref/matmul.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';
import { makeWeight, releaseWeight, tol, type WFmt } from './matmulCases.ts';

const SHAPES: [M: number, K: number, R: number, N: number][] = [
  [1, 64, 1, 33],
  [33, 64, 7, 101],
  [1, 96, 16, 9],
  [33, 32, 16, 33],
  [70, 64, 7, 1],
];
const KERNELS: (MatmulKernel | undefined)[] = [undefined, 'tiled'];

describe('LoRA side products: y = x·Wᵀ (+ bias) + x·Aᵀ·Bᵀ (accumulate epilogue)', () => {
  for (const fmt of ['f32', 'q4f16'] as WFmt[])
    for (const kernel of KERNELS)
      it(`${fmt} base, ${kernel ?? 'default'} kernel, seed=41`, async () => {
        const gpu = await getGpu();
        const rng = new Rng(41);
        for (const [M, K, R, N] of SHAPES) {
          const x = rng.normalArray(M * K); // (M, K)
          const w = makeWeight(gpu, rng, N, K, fmt);
          const a = rng.normalArray(R * K); // (R, K)
          const bm = rng.normalArray(N * R); // (N, R)
          const bias = rng.normalArray(N);
          const [tx, ta, tb, tbias] = [gpu.upload(x, [M, K]), gpu.upload(a, [R, K]), gpu.upload(bm, [N, R]), gpu.upload(bias, [N])];
          let y = tx;
          gpu.run((b) => {
            y = matmul(b, tx, w.t, { bias: tbias, kernel });
            const t = matmul(b, tx, ta, { kernel }); // (M, R)
            expect(matmul(b, t, tb, { out: y, accumulate: true, kernel })).toBe(y);
            t.release();
          });
          const base = matmulRef(x, w.ref, M, K, N, bias);
          const u = loraProductRef(x, a, bm, M, K, R, N);
          const want = base.map((v, i) => Math.fround(v + u[i]));
          const { atol, rtol } = tol(K * R);
          expectClose(await gpu.read(y), want, atol, rtol, `lora accumulate ${fmt} M=${M} K=${K} R=${R} N=${N}`);
          for (const t of [tx, ta, tb, tbias, y]) t.release();
          releaseWeight(w);
        }
      });

  it('accumulate needs an out tensor', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(4), [1, 4]);
    const w = gpu.upload(new Float32Array(8), [2, 4]);
    expect(() => gpu.run((b) => matmul(b, x, w, { accumulate: true }))).toThrow(/accumulate/);
    x.release();
    w.release();
  });
});

describe('matmulSwiGLU addends: silu(x·Wgᵀ + Δg) * (x·Wuᵀ + Δu)', () => {
  for (const fmt of ['f32', 'q4f16'] as WFmt[])
    for (const kernel of KERNELS)
      it(`${fmt} base, ${kernel ?? 'default'} kernel, gate only / up only / both, seed=42`, async () => {
        const gpu = await getGpu();
        const rng = new Rng(42);
        for (const [i, [M, K, R, N]] of SHAPES.entries()) {
          const which = i % 3; // 0: both, 1: gate only, 2: up only
          const x = rng.normalArray(M * K);
          const wg = makeWeight(gpu, rng, N, K, fmt);
          const wu = makeWeight(gpu, rng, N, K, fmt);
          const ag = which !== 2 ? rng.normalArray(M * N) : undefined; // (M, N)
          const au = which !== 1 ? rng.normalArray(M * N) : undefined;
          const tx = gpu.upload(x, [M, K]);
          const tg = ag && gpu.upload(ag, [M, N]);
          const tu = au && gpu.upload(au, [M, N]);
          let y = tx;
          gpu.run((b) => (y = matmulSwiGLU(b, tx, wg.t, wu.t, { addGate: tg, addUp: tu, kernel })));
          const { atol, rtol } = tol(K);
          const label = `swiglu addends ${fmt} M=${M} K=${K} N=${N} R=${R} which=${which}`;
          expectClose(await gpu.read(y), matmulSwiGLURef(x, wg.ref, wu.ref, M, K, N, { gate: ag, up: au }), atol, rtol, label);
          for (const t of [tx, tg, tu, y]) t?.release();
          releaseWeight(wg);
          releaseWeight(wu);
        }
      });
});
