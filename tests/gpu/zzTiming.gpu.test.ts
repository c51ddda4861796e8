import { it } from 'vitest';
import { matmul } from '../../src/engine/kernels/matmul.ts';
import { matmulNaive } from '../../src/engine/kernels/matmulNaive.ts';
import { Rng } from '../../src/lib/rng.ts';
import { getGpu } from './harness.ts';
import { makeWeight, type WFmt } from './matmulCases.ts';
import type { Tensor } from '../../src/engine/tensor.ts';

it('timing', async () => {
  const gpu = await getGpu();
  const rng = new Rng(1);
  const lines: string[] = [];
  for (const [fmt, M, K, N] of [['f32', 256, 256, 256], ['q4f16', 256, 256, 256], ['q4f16', 1, 256, 15360], ['f16', 1, 256, 15360], ['q4f16', 8, 256, 3840]] as [WFmt, number, number, number][]) {
    const x = gpu.upload(rng.normalArray(M * K), [M, K]);
    const w = makeWeight(gpu, rng, N, K, fmt);
    for (const [name, f] of [['tiled', (b: Parameters<typeof matmul>[0]) => matmul(b, x, w.t)], ['naive', (b: Parameters<typeof matmul>[0]) => matmulNaive(b, x, w.t as Tensor)]] as const) {
      gpu.run((b) => f(b).release()); await gpu.sync();
      const reps = 3;
      const t0 = performance.now();
      for (let r = 0; r < reps; r++) gpu.run((b) => f(b).release());
      await gpu.sync();
      const ms = (performance.now() - t0) / reps;
      lines.push(`${fmt} M=${M} K=${K} N=${N} ${name}: ${ms.toFixed(1)} ms, ${((2 * M * N * K) / ms / 1e6).toFixed(2)} GFLOP/s`);
    }
  }
  console.log(lines.join('\n'));
});
