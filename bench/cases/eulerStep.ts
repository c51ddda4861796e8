// euler_step: z += dt·v over the latent (16 channels × Hl × Wl). Ours is the fused in-place kernel; naive is two
// unfused passes; ORT runs Mul then Add (out of place).
import { eulerStep } from '../../src/engine/kernels/eulerStep.ts';
import { eulerStepRef } from '../../src/engine/ref/eulerStep.ts';
import { eulerStepOrt } from '../models.ts';
import { eulerStepNaive } from '../naive/eulerStepNaive.ts';
import type { BenchCase, CaseFactory } from './types.ts';

const DT = -0.0625; // one of 16 equal steps: small, so thousands of timed in-place updates stay finite

function eulerCase(C: number, Hl: number, Wl: number): BenchCase {
  const n = C * Hl * Wl; // elements
  return {
    op: 'euler_step',
    shape: `latent ${C}x${Hl}x${Wl} (n=${n})`,
    setup({ gpu, rng }) {
      const z = rng.normalArray(n); // (C, Hl, Wl)
      const v = rng.normalArray(n); // (C, Hl, Wl)
      // Ours and naive update their own copies of z in place; the check runs first, on the fresh values.
      const zOurs = gpu.upload(z, [n], 'f32', 'z.ours');
      const zNaive = gpu.upload(z, [n], 'f32', 'z.naive');
      const tv = gpu.upload(v, [n], 'f32', 'v');
      const tmp = gpu.empty([n], 'f32', 'naive.tmp');
      return {
        ours: (b) => {
          eulerStep(b, zOurs, tv, DT);
          return zOurs.reshape([n]);
        },
        naive: (b) => {
          eulerStepNaive(b, zNaive, tv, DT, tmp);
          return zNaive.reshape([n]);
        },
        ort: eulerStepOrt(z, v, DT),
        expected: () => eulerStepRef(z, v, DT),
        atol: 1e-6,
        rtol: 1e-6,
        flops: 2 * n,
        dispose() {
          for (const t of [zOurs, zNaive, tv, tmp]) t.release();
        },
      };
    },
  };
}

export const eulerStepCases: CaseFactory = (preset) =>
  preset === 'full' ? [eulerCase(16, 128, 128)] : [eulerCase(16, 64, 64)];
