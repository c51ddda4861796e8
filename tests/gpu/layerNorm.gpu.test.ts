import { describe, expect, it } from 'vitest';
import { layerNorm } from '../../src/engine/kernels/layerNorm.ts';
import { layerNormRef } from '../../src/engine/ref/layerNorm.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu, SUBGROUP_PATHS } from './harness.ts';

const TOL = 1e-5; // atol and rtol: f32 tree sums vs the f64 reference

describe('layer_norm (no affine): (x - mean) / sqrt(var + eps) * (1 + scale[g])', () => {
  const shapes: [number, number][] = [[1, 3840], [33, 3840], [2, 8195], [1025, 128], [33, 130], [1025, 3], [33, 1], [7, 33]];
  for (const { path, gpu: device } of SUBGROUP_PATHS) {
    for (const [rows, cols] of shapes) {
      const seed = rows * 104729 + cols;
      // Long rows get an offset of 50: a one-pass sum(x^2) - mean^2 would lose ~4 digits there; two passes do not.
      // Short rows keep a small one: their sample std can be ~0.03, which magnifies the f32 rounding of x and mean.
      const offset = cols >= 128 ? 50 : 2;
      it(`(${rows}, ${cols}), rows with mean ${offset}, ${path} reduction, seed=${seed}`, async () => {
        const gpu = await device();
        const rng = new Rng(seed);
        const x = rng.normalArray(rows * cols).map((v) => v + offset); // (rows, D)
        const tx = gpu.upload(x, [rows, cols]);
        let ty = tx;
        gpu.run((b) => (ty = layerNorm(b, tx, { eps: 1e-6 })));
        expectClose(await gpu.read(ty), layerNormRef(x, cols, 1e-6), TOL, TOL, `layer_norm (${rows},${cols})`);
        tx.release();
        ty.release();
      });
    }
  }

  it('FinalLayer: fused (1 + scale) by rowSel at a column offset, seed=21', async () => {
    const gpu = await getGpu();
    const rng = new Rng(21);
    const rows = 33, cols = 130, groups = 2, stride = cols + 3, offset = 3; // prettier-ignore
    const x = rng.normalArray(rows * cols); // (M, D)
    const s = rng.uniformArray(groups * stride, -0.5, 0.5); // (G, S)
    const sel = Uint32Array.from({ length: rows }, (_, i) => (i < 20 ? 1 : 0)); // (M): e.g. noisy / clean tokens
    const [tx, ts, tsel] = [gpu.upload(x, [rows, cols]), gpu.upload(s, [groups, stride]), gpu.uploadU32(sel, [rows])];
    let ty = tx;
    gpu.run((b) => (ty = layerNorm(b, tx, { eps: 1e-6, scale: ts, scaleOffset: offset, rowSel: tsel })));
    const want = layerNormRef(x, cols, 1e-6, { scale: s, stride, offset, rowSel: sel });
    expectClose(await gpu.read(ty), want, TOL, TOL, 'layer_norm scale+rowSel');
    for (const t of [tx, ts, tsel, ty]) t.release();
  });

  it('in place with a 1-D scale, D=3840, seed=22', async () => {
    const gpu = await getGpu();
    const rng = new Rng(22);
    const rows = 3, cols = 3840; // prettier-ignore
    const x = rng.normalArray(rows * cols);
    const s = rng.uniformArray(cols, -0.5, 0.5); // (D)
    const [tx, ts] = [gpu.upload(x, [rows, cols]), gpu.upload(s, [cols])];
    gpu.run((b) => expect(layerNorm(b, tx, { eps: 1e-6, scale: ts, out: tx })).toBe(tx));
    expectClose(await gpu.read(tx), layerNormRef(x, cols, 1e-6, { scale: s, stride: cols }), TOL, TOL, 'layer_norm in place');
    tx.release();
    ts.release();
  });

  it('rejects bad shapes with RangeErrors', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(12), [3, 4]);
    const s = gpu.upload(new Float32Array(6), [2, 3]);
    const sel = gpu.uploadU32(new Uint32Array(2), [2]);
    const s8 = gpu.upload(new Float32Array(8), [2, 4]);
    const b = gpu.batch('layer_norm errors');
    expect(() => layerNorm(b, x, { eps: 1e-6, scale: s })).toThrow(RangeError);
    expect(() => layerNorm(b, x, { eps: 1e-6, scale: s8, rowSel: sel })).toThrow(/rowSel has 2 entries/);
    expect(() => layerNorm(b, x, { eps: -1 })).toThrow(RangeError);
    b.submit();
    for (const t of [x, s, sel, s8]) t.release();
  });
});
