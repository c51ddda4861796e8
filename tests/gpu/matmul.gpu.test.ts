import { describe, expect, it } from 'vitest';
import { matmul, matmulGatedResidual, type MatmulKernel, matmulKernel, matmulSwiGLU, splitRows } from '../../src/engine/kernels/matmul.ts';
import { matmulGatedResidualRef, matmulRef, matmulSwiGLURef } from '../../src/engine/ref/matmul.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';
import { FORMATS, isQuant, makeWeight, releaseWeight, tol, uploadU32, type WFmt } from './matmulCases.ts';

// (M, K, N, bias): M <= 8 takes the small-M kernel (K >= 256 splits rows across invocations), 20, 33, 70, 1025 the
// wide one by default and the tiled one on request (M <= 32: 32-row tiles); no size is a tile multiple.
const SHAPES_ANY_K: [number, number, number, boolean][] = [
  [1, 33, 100, true],
  [3, 65, 1, false],
  [33, 160, 257, true],
  [20, 33, 33, false],
  [1, 96, 257, false],
  [70, 65, 100, true],
  [2, 263, 33, true],
  [1025, 33, 17, false],
];
const SHAPES_QUANT: [number, number, number, boolean][] = [
  [1, 32, 100, true],
  [3, 96, 1, false],
  [33, 160, 257, false],
  [70, 64, 33, true],
  [1, 160, 257, false],
  [20, 32, 100, false],
  [8, 512, 33, true],
  [1025, 64, 33, true],
];

describe('matmul: y = x · Wᵀ (+ bias), every weight format, awkward shapes', () => {
  for (const fmt of FORMATS) {
    const shapes = isQuant(fmt) ? SHAPES_QUANT : SHAPES_ANY_K;
    it(`${fmt} matches the f32 reference over the decoded weights, seed=11`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(11);
      for (const [M, K, N, withBias] of shapes) {
        const x = rng.normalArray(M * K); // (M, K)
        const w = makeWeight(gpu, rng, N, K, fmt);
        const bias = withBias ? rng.normalArray(N) : undefined; // (N)
        const tx = gpu.upload(x, [M, K]);
        const tb = bias ? gpu.upload(bias, [N]) : undefined;
        const ty = gpu.batch();
        const y = matmul(ty, tx, w.t, { bias: tb });
        ty.submit();
        expect(y.shape).toEqual([M, N]);
        const { atol, rtol } = tol(K);
        expectClose(await gpu.read(y), matmulRef(x, w.ref, M, K, N, bias), atol, rtol, `matmul ${fmt} M=${M} K=${K} N=${N}`);
        for (const t of [tx, tb, y]) t?.release();
        releaseWeight(w);
      }
    });
  }

  it('writes into a given `out` and splits a weight into row chunks (tiled and small M), seed=12', async () => {
    const gpu = await getGpu();
    const rng = new Rng(12);
    for (const [fmt, M, K, N, chunks] of [
      ['f32', 70, 33, 100, [40, 1, 59]],
      ['f16', 2, 65, 77, [33, 44]],
      ['q4f16', 33, 64, 257, [100, 100, 57]],
      ['q8f32', 1, 96, 35, [3, 32]],
    ] as [WFmt, number, number, number, number[]][]) {
      const x = rng.normalArray(M * K); // (M, K)
      const w = makeWeight(gpu, rng, N, K, fmt, chunks);
      const bias = rng.normalArray(N); // (N)
      const tx = gpu.upload(x, [M, K]);
      const tb = gpu.upload(bias, [N]);
      const out = gpu.empty([M, N]);
      let y = out;
      gpu.run((b) => (y = matmul(b, tx, w.t, { bias: tb, out })));
      expect(y).toBe(out);
      const { atol, rtol } = tol(K);
      expectClose(await gpu.read(out), matmulRef(x, w.ref, M, K, N, bias), atol, rtol, `matmul split ${fmt} M=${M} chunks=${chunks}`);
      for (const t of [tx, tb, out]) t.release();
      releaseWeight(w);
    }
  });
});

describe('matmulSwiGLU: silu(x · Wgᵀ) * (x · Wuᵀ) in one pass', () => {
  for (const fmt of FORMATS) {
    it(`${fmt}, small M and tiled, seed=21`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(21);
      const shapes: [number, number, number][] = isQuant(fmt) ? [[3, 64, 33], [70, 96, 100], [1, 256, 9]] : [[1, 65, 33], [33, 33, 100], [5, 300, 9]];
      for (const [M, K, N] of shapes) {
        const x = rng.normalArray(M * K); // (M, K)
        const wg = makeWeight(gpu, rng, N, K, fmt);
        const wu = makeWeight(gpu, rng, N, K, fmt);
        const tx = gpu.upload(x, [M, K]);
        let y = tx;
        gpu.run((b) => (y = matmulSwiGLU(b, tx, wg.t, wu.t)));
        const { atol, rtol } = tol(K);
        expectClose(await gpu.read(y), matmulSwiGLURef(x, wg.ref, wu.ref, M, K, N), atol, rtol, `swiglu ${fmt} M=${M} K=${K} N=${N}`);
        for (const t of [tx, y]) t.release();
        releaseWeight(wg);
        releaseWeight(wu);
      }
    });
  }

  it('row-chunked gate and up weights, seed=22', async () => {
    const gpu = await getGpu();
    const rng = new Rng(22);
    for (const [M, fmt] of [[2, 'q4f16'], [40, 'f32']] as [number, WFmt][]) {
      const [K, N, chunks] = [64, 57, [20, 37]];
      const x = rng.normalArray(M * K); // (M, K)
      const wg = makeWeight(gpu, rng, N, K, fmt, chunks);
      const wu = makeWeight(gpu, rng, N, K, fmt, chunks);
      const tx = gpu.upload(x, [M, K]);
      let y = tx;
      gpu.run((b) => (y = matmulSwiGLU(b, tx, wg.t, wu.t)));
      expectClose(await gpu.read(y), matmulSwiGLURef(x, wg.ref, wu.ref, M, K, N), tol(K).atol, tol(K).rtol, `swiglu split ${fmt} M=${M}`);
      for (const t of [tx, y]) t.release();
      releaseWeight(wg);
      releaseWeight(wu);
    }
  });
});

describe('matmulGatedResidual: residual + tanh(gate[g(m)]) * (x · Wᵀ + bias)', () => {
  // [fmt, M, K, N, G, bias, rowSel, inPlace, chunks]
  const cases: [WFmt, number, number, number, number, boolean, boolean, boolean, number[] | undefined][] = [
    ['f32', 1, 33, 100, 1, true, false, false, undefined],
    ['f16', 33, 65, 33, 1, false, false, true, undefined],
    ['q4f16', 70, 64, 257, 3, true, true, true, undefined],
    ['q4f32', 3, 32, 100, 2, false, true, false, undefined],
    ['q8f16', 33, 96, 100, 2, true, true, false, [50, 50]],
    ['q8f32', 1, 160, 257, 1, true, false, true, [128, 129]],
    ['f32', 70, 65, 1, 4, true, true, true, undefined],
  ];
  for (const [fmt, M, K, N, G, withBias, withSel, inPlace, chunks] of cases) {
    const what = `${fmt} M=${M} K=${K} N=${N} G=${G}${withBias ? ' bias' : ''}${withSel ? ' rowSel' : ''}${inPlace ? ' in-place' : ''}${chunks ? ' split' : ''}`;
    it(`${what}, seed=${M + N}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(M + N);
      const x = rng.normalArray(M * K); // (M, K)
      const w = makeWeight(gpu, rng, N, K, fmt, chunks);
      const residual = rng.normalArray(M * N); // (M, N)
      const gate = rng.normalArray(G * N).map((v) => 2 * v); // (G, N), much of it beyond tanh's linear range
      gate[0] = 40; // saturates: tanh must give 1, not NaN
      const bias = withBias ? rng.normalArray(N) : undefined; // (N)
      const rowSel = withSel ? Uint32Array.from({ length: M }, () => rng.int(G)) : undefined; // (M)
      const tx = gpu.upload(x, [M, K]);
      const tr = gpu.upload(residual, [M, N]);
      const tg = gpu.upload(gate, [G, N]);
      const tb = bias ? gpu.upload(bias, [N]) : undefined;
      const ts = rowSel ? uploadU32(gpu, rowSel) : undefined;
      let y = tx;
      gpu.run((b) => (y = matmulGatedResidual(b, tx, w.t, tr, tg, { bias: tb, rowSel: ts, inPlace })));
      if (inPlace) expect(y).toBe(tr);
      else expect(y).not.toBe(tr);
      const want = matmulGatedResidualRef(x, w.ref, M, K, N, residual, gate, { bias, rowSel });
      expectClose(await gpu.read(y), want, tol(K).atol, tol(K).rtol, `gated residual ${what}`);
      if (!inPlace) expectClose(await gpu.read(tr), residual, 0, 0, 'residual left untouched');
      for (const t of new Set([tx, tr, tg, tb, ts, y])) t?.release();
      releaseWeight(w);
    });
  }
});

describe('matmul validation and row splitting', () => {
  it('rejects mismatched shapes and dtypes with RangeErrors', async () => {
    const gpu = await getGpu();
    const made: Tensor[] = [];
    const t = (shape: number[], dtype: 'f32' | 'f16' = 'f32') => {
      made.push(gpu.empty(shape, dtype));
      return made[made.length - 1];
    };
    const [x, w] = [t([4, 32]), t([8, 32])];
    const b = gpu.batch();
    expect(() => matmul(b, x, t([8, 16]))).toThrow(/K=32/);
    expect(() => matmul(b, x, w, { bias: t([7]) })).toThrow(RangeError);
    expect(() => matmul(b, t([4, 32], 'f16'), w)).toThrow(/x must be f32/);
    expect(() => matmul(b, x, [w, t([8, 32], 'f16')])).toThrow(/one dtype/);
    expect(() => matmul(b, x, [])).toThrow(RangeError);
    expect(() => matmul(b, x, w, { out: t([4, 7]) })).toThrow(/out/);
    expect(() => matmulSwiGLU(b, x, w, t([9, 32]))).toThrow(/same dtype, shape/);
    expect(() => matmulSwiGLU(b, x, w, [t([3, 32]), t([5, 32])])).toThrow(/row chunking/);
    expect(() => matmulGatedResidual(b, x, w, t([4, 7]), t([1, 8]))).toThrow(/residual/);
    expect(() => matmulGatedResidual(b, x, w, t([4, 8]), t([1, 7]))).toThrow(/gate/);
    expect(() => matmulGatedResidual(b, x, w, t([4, 8]), t([1, 8]), { rowSel: t([3]) })).toThrow(/rowSel/);
    b.submit();
    for (const m of made) m.release();
  });

  it('keeps leading dimensions of x: (2, 3, K) -> (2, 3, N), seed=31', async () => {
    const gpu = await getGpu();
    const rng = new Rng(31);
    const [K, N] = [40, 12];
    const x = rng.normalArray(6 * K); // (2, 3, K)
    const w = makeWeight(gpu, rng, N, K, 'f32');
    const tx = gpu.upload(x, [2, 3, K]);
    let y = tx;
    gpu.run((b) => (y = matmul(b, tx, w.t)));
    expect(y.shape).toEqual([2, 3, N]);
    expectClose(await gpu.read(y), matmulRef(x, w.ref, 6, K, N), tol(K).atol, tol(K).rtol, 'matmul 3-D x');
    for (const tt of [tx, y]) tt.release();
    releaseWeight(w);
  });

  it('splitRows keeps every buffer of each chunk within the binding limit', () => {
    expect(splitRows(10, 100, 'f32', 4 * 100 * 3 + 4)).toEqual([3, 3, 3, 1]);
    expect(splitRows(5, 64, 'q4', 64)).toEqual([1, 1, 1, 1, 1]); // 32 bytes of codes per row
    expect(splitRows(15360, 3840, 'q4', 2 ** 30)).toEqual([15360]);
    expect(splitRows(15360, 3840, 'f32', 2 ** 27).reduce((a, b) => a + b)).toBe(15360);
    expect(() => splitRows(1, 1024, 'f32', 1000)).toThrow(RangeError);
  });
});

describe('matmul kernels on request: tiled beside the default wide, same references', () => {
  it('picks matvec up to 8 rows and wide above', () => {
    expect([1, 8, 9, 4096].map(matmulKernel)).toEqual(['matvec', 'matvec', 'wide', 'wide']);
  });

  for (const kernel of ['tiled', 'wide'] as MatmulKernel[])
    for (const fmt of FORMATS)
      it(`${kernel}: matmul ${fmt} matches the f32 reference, seed=41`, async () => {
        const gpu = await getGpu();
        const rng = new Rng(41);
        for (const [M, K, N, withBias] of (isQuant(fmt) ? SHAPES_QUANT : SHAPES_ANY_K).filter(([M]) => M > 8)) {
          const x = rng.normalArray(M * K); // (M, K)
          const w = makeWeight(gpu, rng, N, K, fmt);
          const bias = withBias ? rng.normalArray(N) : undefined; // (N)
          const tx = gpu.upload(x, [M, K]);
          const tb = bias ? gpu.upload(bias, [N]) : undefined;
          let y = tx;
          gpu.run((b) => (y = matmul(b, tx, w.t, { bias: tb, kernel })));
          expectClose(await gpu.read(y), matmulRef(x, w.ref, M, K, N, bias), tol(K).atol, tol(K).rtol, `${kernel} ${fmt} M=${M} K=${K} N=${N}`);
          for (const t of [tx, tb, y]) t?.release();
          releaseWeight(w);
        }
      });

  it('tiled: SwiGLU and the gated residual with row selection, in place, seed=42', async () => {
    const gpu = await getGpu();
    const rng = new Rng(42);
    for (const [fmt, M, K, N] of [['q4f16', 33, 96, 57], ['f16', 20, 65, 33]] as [WFmt, number, number, number][]) {
      const x = rng.normalArray(M * K); // (M, K)
      const wg = makeWeight(gpu, rng, N, K, fmt);
      const wu = makeWeight(gpu, rng, N, K, fmt);
      const tx = gpu.upload(x, [M, K]);
      let y = tx;
      gpu.run((b) => (y = matmulSwiGLU(b, tx, wg.t, wu.t, { kernel: 'tiled' })));
      expectClose(await gpu.read(y), matmulSwiGLURef(x, wg.ref, wu.ref, M, K, N), tol(K).atol, tol(K).rtol, `tiled swiglu ${fmt}`);
      const residual = rng.normalArray(M * N); // (M, N)
      const gate = rng.normalArray(2 * N); // (2, N)
      const rowSel = Uint32Array.from({ length: M }, () => rng.int(2)); // (M)
      const [tr, tg, ts] = [gpu.upload(residual, [M, N]), gpu.upload(gate, [2, N]), uploadU32(gpu, rowSel)];
      gpu.run((b) => matmulGatedResidual(b, tx, wg.t, tr, tg, { rowSel: ts, inPlace: true, kernel: 'tiled' }));
      const want = matmulGatedResidualRef(x, wg.ref, M, K, N, residual, gate, { rowSel });
      expectClose(await gpu.read(tr), want, tol(K).atol, tol(K).rtol, `tiled gated residual ${fmt}`);
      for (const t of [tx, y, tr, tg, ts]) t.release();
      releaseWeight(wg);
      releaseWeight(wu);
    }
  });

  it('refuses the matvec kernel for more than 8 rows', async () => {
    const gpu = await getGpu();
    const [x, w] = [gpu.empty([9, 32]), gpu.empty([4, 32])];
    const b = gpu.batch();
    expect(() => matmul(b, x, w, { kernel: 'matvec' })).toThrow(/at most 8 rows/);
    b.submit();
    x.release();
    w.release();
  });
});
