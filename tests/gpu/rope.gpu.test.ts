import { describe, expect, it } from 'vitest';
import { ropeComplex, ropeHalf } from '../../src/engine/kernels/rope.ts';
import { ropeRef } from '../../src/engine/ref/rope.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu } from './harness.ts';

const TOL = 1e-6;

/** Tables (rows, hd/2) from positions 0..rows-1 and inverse frequencies theta^(-2j/hd), as f32. */
function tables(rows: number, hd: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const hh = hd / 2;
  const cos = new Float32Array(rows * hh);
  const sin = new Float32Array(rows * hh);
  for (let l = 0; l < rows; l++)
    for (let j = 0; j < hh; j++) {
      const a = l * theta ** ((-2 * j) / hd);
      cos[l * hh + j] = Math.cos(a);
      sin[l * hh + j] = Math.sin(a);
    }
  return { cos, sin };
}

describe('rope: in-place rotary embedding, complex-pair (Z-Image) and rotate-half (Qwen3)', () => {
  const cases: [number, number, number][] = [[1, 1, 2], [33, 3, 128], [5, 30, 128], [17, 2, 6]];
  for (const half of [false, true])
    for (const [L, H, hd] of cases) {
      const seed = L * 1000 + H * 10 + hd + (half ? 1 : 0);
      it(`${half ? 'half' : 'complex'} (L=${L}, H=${H}, hd=${hd}), tables longer than L, seed=${seed}`, async () => {
        const gpu = await getGpu();
        const rng = new Rng(seed);
        const x = rng.normalArray(L * H * hd); // (L, H, hd)
        const { cos, sin } = tables(L + 3, hd, half ? 1e6 : 256); // (L+3, hd/2)
        const tx = gpu.upload(x, [L, H, hd]);
        const [tc, ts] = [gpu.upload(cos, [L + 3, hd / 2]), gpu.upload(sin, [L + 3, hd / 2])];
        gpu.run((b) => (half ? ropeHalf : ropeComplex)(b, tx, tc, ts, { heads: H, headDim: hd }));
        expectClose(await gpu.read(tx), ropeRef(x, cos, sin, H, hd, half), TOL, TOL, `rope L=${L} H=${H} hd=${hd}`);
        for (const t of [tx, tc, ts]) t.release();
      });
    }

  it('rotate-half matches the transformers formula q*cat(cos,cos) + rotate_half(q)*cat(sin,sin), seed=31', async () => {
    const gpu = await getGpu();
    const rng = new Rng(31);
    const L = 9, H = 4, hd = 128, hh = 64; // prettier-ignore
    const q = rng.normalArray(L * H * hd); // (L, H, hd)
    const { cos, sin } = tables(L, hd, 1e6); // (L, 64)
    const want = new Float32Array(q.length);
    for (let l = 0; l < L; l++)
      for (let h = 0; h < H; h++)
        for (let d = 0; d < hd; d++) {
          const i = (l * H + h) * hd;
          const rot = d < hh ? -q[i + d + hh] : q[i + d - hh]; // rotate_half(q) = cat(-q[64:], q[:64])
          want[i + d] = q[i + d] * cos[l * hh + (d % hh)] + rot * sin[l * hh + (d % hh)];
        }
    const tq = gpu.upload(q, [L, H * hd]);
    const [tc, ts] = [gpu.upload(cos, [L, hh]), gpu.upload(sin, [L, hh])];
    gpu.run((b) => ropeHalf(b, tq, tc, ts, { heads: H, headDim: hd }));
    expectClose(await gpu.read(tq), want, TOL, TOL, 'rope half vs transformers');
    for (const t of [tq, tc, ts]) t.release();
  });

  it('complex form matches x * e^(i*angle) on adjacent channel pairs, seed=32', async () => {
    const gpu = await getGpu();
    const rng = new Rng(32);
    const L = 6, H = 2, hd = 8, hh = 4; // prettier-ignore
    const x = rng.normalArray(L * H * hd);
    const ang = rng.uniformArray(L * hh, -10, 10); // (L, hd/2)
    const cos = ang.map(Math.cos);
    const sin = ang.map(Math.sin);
    const want = new Float32Array(x.length);
    for (let k = 0; k < x.length / 2; k++) {
      const l = Math.floor(k / (H * hh));
      const a = ang[l * hh + (k % hh)];
      // (re + i im)(cos a + i sin a)
      want[2 * k] = x[2 * k] * Math.cos(a) - x[2 * k + 1] * Math.sin(a);
      want[2 * k + 1] = x[2 * k] * Math.sin(a) + x[2 * k + 1] * Math.cos(a);
    }
    const tx = gpu.upload(x, [L, H, hd]);
    const [tc, ts] = [gpu.upload(cos, [L, hh]), gpu.upload(sin, [L, hh])];
    gpu.run((b) => ropeComplex(b, tx, tc, ts, { heads: H, headDim: hd }));
    expectClose(await gpu.read(tx), want, 2e-6, 2e-6, 'rope complex vs complex product');
    for (const t of [tx, tc, ts]) t.release();
  });

  it('rejects bad shapes with RangeErrors', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(48), [3, 2, 8]);
    const t34 = gpu.upload(new Float32Array(12), [3, 4]);
    const t24 = gpu.upload(new Float32Array(8), [2, 4]);
    const t33 = gpu.upload(new Float32Array(9), [3, 3]);
    const b = gpu.batch('rope errors');
    expect(() => ropeComplex(b, x, t24, t24, { heads: 2, headDim: 8 })).toThrow(/>= 3/);
    expect(() => ropeHalf(b, x, t33, t33, { heads: 2, headDim: 8 })).toThrow(RangeError);
    expect(() => ropeHalf(b, x, t34, t34, { heads: 2, headDim: 7 })).toThrow(/even/);
    expect(() => ropeHalf(b, x, t34, t34, { heads: 5, headDim: 8 })).toThrow(RangeError);
    b.submit();
    for (const t of [x, t34, t24, t33]) t.release();
  });
});
