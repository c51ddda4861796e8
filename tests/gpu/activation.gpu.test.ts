import { describe, expect, it } from 'vitest';
import { addRelu, relu, tanhClamp } from '../../src/engine/kernels/activation.ts';
import { addReluRef, reluRef, tanhClampRef } from '../../src/engine/ref/activation.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import { AWKWARD_SIZES, expectClose, getGpu } from './harness.ts';

describe('activation: relu, add+relu, tanh clamp vs CPU loops', () => {
  for (const n of [...AWKWARD_SIZES, 64 * 33 * 17]) {
    const seed = 700 + (n % 97);
    it(`n=${n}, out of place and in place, seed=${seed}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(seed);
      const a = rng.normalArray(n).map((v) => v * 8); // wide enough to reach tanh's flat ends (|a| / 3 > 12 at the tails)
      a[0] = 1e6; // saturates: no inf/inf NaN
      if (n > 1) a[1] = -1e6;
      const c = rng.normalArray(n).map((v) => v * 4);
      const ta = gpu.upload(a, [n]);
      const tc = gpu.upload(c, [n]);
      const ip1 = gpu.upload(a, [n]);
      const ip2 = gpu.upload(a, [n]);
      const res: Tensor[] = [];
      gpu.run((b) => {
        res.push(relu(b, ta), addRelu(b, ta, tc), tanhClamp(b, ta, 3));
        addRelu(b, ip1, tc, { inPlace: true });
        tanhClamp(b, ip2, 3, { out: ip2 });
      });
      const [r, ar, tc3, ar2, tc32] = await Promise.all([...res, ip1, ip2].map((t) => gpu.read(t)));
      expectClose(r, reluRef(a), 0, 0, 'relu');
      expectClose(ar, addReluRef(a, c), 0, 1e-7, 'addRelu');
      expectClose(tc3, tanhClampRef(a, 3), 1e-6, 1e-5, 'tanhClamp');
      expectClose(ar2, addReluRef(a, c), 0, 1e-7, 'addRelu in place');
      expectClose(tc32, tanhClampRef(a, 3), 1e-6, 1e-5, 'tanhClamp in place');
      for (const t of [...res, ta, tc, ip1, ip2]) t.release();
    });
  }

  it('shapes: the result keeps the first operand\'s shape; bad operands are refused, seed=790', async () => {
    const gpu = await getGpu();
    const x = new Rng(790).normalArray(3 * 5 * 7);
    const tx = gpu.upload(x, [3, 5, 7]);
    const b = gpu.batch();
    const y = relu(b, tx);
    expect(y.shape).toEqual([3, 5, 7]);
    expect(() => addRelu(b, tx, gpu.empty([3, 5, 6]))).toThrow(RangeError);
    expect(() => tanhClamp(b, tx, 0)).toThrow(RangeError);
    expect(() => relu(b, tx, { out: gpu.empty([4]) })).toThrow(RangeError);
    b.submit();
    expectClose(await gpu.read(y), reluRef(x), 0, 0, 'relu (3, 5, 7)');
    tx.release();
    y.release();
  });
});
