import { describe, it } from 'vitest';
import { matmulNaive } from '../../src/engine/kernels/matmulNaive.ts';
import { matmulRef } from '../../src/engine/ref/matmul.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';
import { makeWeight, releaseWeight, tol, type WFmt } from './matmulCases.ts';

describe('matmul_naive (benchmark baseline) matches the matmul reference', () => {
  const cases: [WFmt, number, number, number][] = [
    ['f32', 1, 33, 100],
    ['f32', 33, 65, 257],
    ['f16', 3, 65, 33],
    ['q4f16', 33, 64, 100],
    ['q4f32', 1, 160, 257],
    ['q8f16', 70, 32, 33],
  ];
  for (const [fmt, M, K, N] of cases) {
    it(`${fmt} M=${M} K=${K} N=${N}, seed=${M * K}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(M * K);
      const x = rng.normalArray(M * K); // (M, K)
      const w = makeWeight(gpu, rng, N, K, fmt);
      const tx = gpu.upload(x, [M, K]);
      let y = tx;
      gpu.run((b) => (y = matmulNaive(b, tx, w.t as typeof tx)));
      expectClose(await gpu.read(y), matmulRef(x, w.ref, M, K, N), tol(K).atol, tol(K).rtol, `naive ${fmt} M=${M}`);
      tx.release();
      y.release();
      releaseWeight(w);
    });
  }
});
