import { describe, expect, it } from 'vitest';
import { eulerStep } from '../../src/engine/kernels/eulerStep.ts';
import { eulerStepRef } from '../../src/engine/ref/eulerStep.ts';
import { Rng } from '../../src/lib/rng.ts';
import { AWKWARD_SIZES, expectClose, getGpu } from './harness.ts';

describe('euler_step (harness proof: a WGSL kernel on the adapter vs a CPU loop)', () => {
  it('has a real WebGPU adapter', async () => {
    const gpu = await getGpu();
    expect(gpu.device).toBeTruthy();
  });

  for (const n of AWKWARD_SIZES) {
    it(`z += dt*v matches the CPU reference, n=${n}, seed=${n + 7}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(n + 7);
      const z = rng.normalArray(n);
      const v = rng.normalArray(n);
      const dt = -0.054545;
      const tz = gpu.upload(z, [n]);
      const tv = gpu.upload(v, [n]);
      gpu.run((b) => eulerStep(b, tz, tv, dt));
      const got = await gpu.read(tz);
      expectClose(got, eulerStepRef(z, v, dt), 1e-6, 1e-6, `euler_step n=${n}`);
      tz.release();
      tv.release();
    });
  }

  it('folds more than 65535 workgroups into a 2-D grid', async () => {
    const gpu = await getGpu();
    const n = 65536 * 256 + 77; // > 65535 workgroups of 256
    const rng = new Rng(99);
    const z = rng.uniformArray(n);
    const v = rng.uniformArray(n);
    const tz = gpu.upload(z, [n]);
    const tv = gpu.upload(v, [n]);
    gpu.run((b) => eulerStep(b, tz, tv, 0.5));
    expectClose(await gpu.read(tz), eulerStepRef(z, v, 0.5), 1e-6, 1e-6, 'euler_step large');
    tz.release();
    tv.release();
  });
});
