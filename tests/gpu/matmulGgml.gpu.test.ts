// The matmul family over ggml block weights as stored in GGUF (formats.ts): every block type, every kernel
// (matvec, wide, tiled), every epilogue, row-split weights; reference = x · dequant(W)ᵀ with ggml's exact
// dequantization (weights/ggmlDequant.ts) and the same f32 loops as the other matmul tests.
import { describe, expect, it } from 'vitest';
import { GGML_BLOCKS, type GgmlBlockDType } from '../../src/engine/formats.ts';
import { matmul, matmulGatedResidual, type MatmulKernel, matmulSwiGLU, splitRows } from '../../src/engine/kernels/matmul.ts';
import { matmulNaive } from '../../src/engine/kernels/matmulNaive.ts';
import { matmulGatedResidualRef, matmulRef, matmulSwiGLURef } from '../../src/engine/ref/matmul.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import { BLOCK_TYPES, makeBlockWeight } from './ggmlBlocks.ts';
import { expectClose, getGpu } from './harness.ts';
import { releaseWeight, tol, uploadU32 } from './matmulCases.ts';

const isK = (t: GgmlBlockDType) => GGML_BLOCKS[t].blockSize === 256;

// (M, K, N, bias): M = 1, 3, 8 run on all three kernels, larger M on wide and tiled; N odd, N = 1.
const LEGACY_SHAPES: [number, number, number, boolean][] = [
  [1, 32, 33, true],
  [3, 96, 1, false],
  [8, 32, 17, true],
  [9, 96, 33, false],
  [33, 32, 7, true],
  [1025, 32, 3, false],
];
const K_SHAPES: [number, number, number, boolean][] = [
  [1, 256, 33, true],
  [3, 512, 1, false],
  [8, 2560, 5, true],
  [9, 256, 17, false],
  [33, 512, 7, true],
  [1025, 256, 3, false],
];

describe('matmul over ggml blocks: y = x · dequant(W)ᵀ (+ bias), all kernels', () => {
  for (const type of BLOCK_TYPES) {
    it(`${type}: matvec / wide / tiled match the reference, seed=51`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(51);
      for (const [M, K, N, withBias] of isK(type) ? K_SHAPES : LEGACY_SHAPES) {
        const x = rng.normalArray(M * K); // (M, K)
        const w = makeBlockWeight(gpu, rng, N, K, type);
        const bias = withBias ? rng.normalArray(N) : undefined; // (N)
        const want = matmulRef(x, w.ref, M, K, N, bias); // (M, N)
        const tx = gpu.upload(x, [M, K]);
        const tb = bias ? gpu.upload(bias, [N]) : undefined;
        const kernels: MatmulKernel[] = M <= 8 ? ['matvec', 'wide', 'tiled'] : ['wide', 'tiled'];
        for (const kernel of kernels) {
          let y = tx;
          gpu.run((b) => (y = matmul(b, tx, w.t, { bias: tb, kernel })));
          expect(y.shape).toEqual([M, N]);
          expectClose(await gpu.read(y), want, tol(K).atol, tol(K).rtol, `${kernel} ${type} M=${M} K=${K} N=${N}`);
          y.release();
        }
        for (const t of [tx, tb]) t?.release();
        releaseWeight(w);
      }
    });
  }
});

describe('ggml blocks in the fused epilogues and row-split weights', () => {
  for (const type of BLOCK_TYPES) {
    it(`${type}: SwiGLU and gated residual (rowSel, in place), row chunks, seed=52`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(52);
      const K = isK(type) ? 512 : 96;
      // SwiGLU: [M, N, chunks, kernel]
      for (const [M, N, chunks, kernel] of [
        [1, 9, undefined, undefined],
        [3, 17, [8, 9], undefined],
        [33, 17, [1, 16], 'wide'],
        [9, 9, undefined, 'tiled'],
      ] as [number, number, number[] | undefined, MatmulKernel | undefined][]) {
        const x = rng.normalArray(M * K); // (M, K)
        const wg = makeBlockWeight(gpu, rng, N, K, type, chunks);
        const wu = makeBlockWeight(gpu, rng, N, K, type, chunks);
        const tx = gpu.upload(x, [M, K]);
        let y = tx;
        gpu.run((b) => (y = matmulSwiGLU(b, tx, wg.t, wu.t, { kernel })));
        const what = `swiglu ${type} M=${M} N=${N}${chunks ? ' split' : ''} ${kernel ?? 'default'}`;
        expectClose(await gpu.read(y), matmulSwiGLURef(x, wg.ref, wu.ref, M, K, N), tol(K).atol, tol(K).rtol, what);
        for (const t of [tx, y]) t.release();
        releaseWeight(wg);
        releaseWeight(wu);
      }
      // Gated residual: [M, N, G, bias, rowSel, inPlace, chunks, kernel]
      for (const [M, N, G, withBias, withSel, inPlace, chunks, kernel] of [
        [1, 33, 1, true, false, false, undefined, undefined],
        [9, 17, 3, false, true, true, [10, 7], undefined],
        [33, 7, 2, true, true, true, undefined, 'tiled'],
        [8, 5, 2, true, true, false, [2, 3], 'matvec'],
      ] as [number, number, number, boolean, boolean, boolean, number[] | undefined, MatmulKernel | undefined][]) {
        const x = rng.normalArray(M * K); // (M, K)
        const w = makeBlockWeight(gpu, rng, N, K, type, chunks);
        const residual = rng.normalArray(M * N); // (M, N)
        const gate = rng.normalArray(G * N).map((v) => 2 * v); // (G, N)
        const bias = withBias ? rng.normalArray(N) : undefined; // (N)
        const rowSel = withSel ? Uint32Array.from({ length: M }, () => rng.int(G)) : undefined; // (M)
        const [tx, tr, tg] = [gpu.upload(x, [M, K]), gpu.upload(residual, [M, N]), gpu.upload(gate, [G, N])];
        const tb = bias ? gpu.upload(bias, [N]) : undefined;
        const ts = rowSel ? uploadU32(gpu, rowSel) : undefined;
        let y = tx;
        gpu.run((b) => (y = matmulGatedResidual(b, tx, w.t, tr, tg, { bias: tb, rowSel: ts, inPlace, kernel })));
        expect(y === tr).toBe(inPlace);
        const want = matmulGatedResidualRef(x, w.ref, M, K, N, residual, gate, { bias, rowSel });
        const what = `gated residual ${type} M=${M} N=${N} G=${G}${inPlace ? ' in-place' : ''}${chunks ? ' split' : ''} ${kernel ?? 'default'}`;
        expectClose(await gpu.read(y), want, tol(K).atol, tol(K).rtol, what);
        for (const t of new Set([tx, tr, tg, tb, ts, y])) t?.release();
        releaseWeight(w);
      }
    });
  }

  it('the naive kernel decodes every block type element by element (WT_at), seed=53', async () => {
    const gpu = await getGpu();
    const rng = new Rng(53);
    for (const type of BLOCK_TYPES) {
      const [M, K, N] = [2, 256, 3];
      const x = rng.normalArray(M * K); // (M, K)
      const w = makeBlockWeight(gpu, rng, N, K, type);
      const tx = gpu.upload(x, [M, K]);
      let y = tx;
      gpu.run((b) => (y = matmulNaive(b, tx, w.t as Tensor)));
      expectClose(await gpu.read(y), matmulRef(x, w.ref, M, K, N), tol(K).atol, tol(K).rtol, `naive ${type}`);
      for (const t of [tx, y]) t.release();
      releaseWeight(w);
    }
  });

  it('validates block shapes and splits block rows at the binding limit', async () => {
    const gpu = await getGpu();
    expect(splitRows(10, 256, 'q4_k', 144 * 3 + 4)).toEqual([3, 3, 3, 1]);
    expect(splitRows(4, 64, 'q8_0', 68 + 4)).toEqual([1, 1, 1, 1]);
    expect(() => splitRows(1, 512, 'q6_k', 400)).toThrow(RangeError);
    expect(() => gpu.uploadBlocks('q4_k', new Uint8Array(144), [1, 128])).toThrow(/multiple of 256/);
    expect(() => gpu.uploadBlocks('q4_0', new Uint8Array(17), [1, 32])).toThrow(/18 expected/);
    const w = gpu.uploadBlocks('q4_0', new Uint8Array(18 * 2), [2, 32]);
    expect(w.data.size).toBe(36);
    expect(() => w.reshape([1, 64])).toThrow(/keeps its rows/);
    expect(w.reshape([1, 2, 32]).shape).toEqual([1, 2, 32]);
    const x = gpu.empty([1, 64]);
    const b = gpu.batch();
    expect(() => matmul(b, x, w)).toThrow(/K=64/);
    b.submit();
    x.release();
    await expect(gpu.read(w)).rejects.toThrow(/weights/);
    expect(() => gpu.empty([2, 32], 'q4_0')).toThrow(/upload/);
    w.release();
  });
});
