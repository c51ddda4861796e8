import { describe, expect, it } from 'vitest';
import { reductionFor } from '../../src/engine/kernels/blockSum.ts';
import { rmsNorm } from '../../src/engine/kernels/rmsNorm.ts';
import { rmsNormRef } from '../../src/engine/ref/rmsNorm.ts';
import { Rng } from '../../src/lib/rng.ts';
import { expectClose, getGpu, SUBGROUP_PATHS } from './harness.ts';

const TOL = 1e-5; // atol and rtol: f32 tree sum vs the f64 reference

describe('rms_norm: x / sqrt(mean(x^2) + eps) * w * (1 + scale[g])', () => {
  // (rows, D): D=3840 (DiT), 2560 (Qwen3), 128 (QK-norm), 8195 (128 threads per row), and widths awkward for the
  // workgroup.
  const shapes: [number, number][] = [[1, 3840], [33, 3840], [3, 2560], [2, 8195], [1025, 128], [33, 130], [1025, 3], [33, 1], [7, 33]];
  for (const { path, gpu: device } of SUBGROUP_PATHS) {
    for (const [rows, cols] of shapes) {
      const seed = rows * 7919 + cols;
      it(`with weight, (${rows}, ${cols}), ${path} reduction, seed=${seed}`, async () => {
        const gpu = await device();
        const rng = new Rng(seed);
        const x = rng.normalArray(rows * cols); // (rows, D)
        const w = rng.uniformArray(cols, 0.5, 1.5); // (D)
        const tx = gpu.upload(x, [rows, cols]);
        const tw = gpu.upload(w, [cols]);
        let ty = tx;
        gpu.run((b) => (ty = rmsNorm(b, tx, { weight: tw, eps: 1e-6 })));
        expectClose(await gpu.read(ty), rmsNormRef(x, cols, 1e-6, w), TOL, TOL, `rms_norm (${rows},${cols})`);
        for (const t of [tx, tw, ty]) t.release();
      });
    }
  }

  it('without weight, eps dominating tiny rows, seed=5', async () => {
    const gpu = await getGpu();
    const rng = new Rng(5);
    const rows = 5, cols = 130; // prettier-ignore
    const x = rng.normalArray(rows * cols).map((v, i) => (i < cols ? v * 1e-4 : v)); // row 0: mean(x^2) << eps
    const tx = gpu.upload(x, [rows, cols]);
    let ty = tx;
    gpu.run((b) => (ty = rmsNorm(b, tx, { eps: 1e-5 })));
    expectClose(await gpu.read(ty), rmsNormRef(x, cols, 1e-5), TOL, TOL, 'rms_norm no weight');
    tx.release();
    ty.release();
  });

  it('fused (1 + scale) picked per row by rowSel, at a column offset, seed=11', async () => {
    const gpu = await getGpu();
    const rng = new Rng(11);
    const rows = 33, cols = 130, groups = 3, stride = 2 * cols + 5, offset = 7; // prettier-ignore
    const x = rng.normalArray(rows * cols); // (M, D)
    const w = rng.uniformArray(cols, 0.5, 1.5); // (D)
    const s = rng.uniformArray(groups * stride, -0.5, 0.5); // (G, S)
    const sel = Uint32Array.from({ length: rows }, () => rng.int(groups)); // (M)
    const [tx, tw, ts, tsel] = [gpu.upload(x, [rows, cols]), gpu.upload(w, [cols]), gpu.upload(s, [groups, stride]), gpu.uploadU32(sel, [rows])];
    const out = gpu.empty([rows, cols]);
    gpu.run((b) => rmsNorm(b, tx, { weight: tw, eps: 1e-5, scale: ts, scaleOffset: offset, rowSel: tsel, out }));
    const want = rmsNormRef(x, cols, 1e-5, w, { scale: s, stride, offset, rowSel: sel });
    expectClose(await gpu.read(out), want, TOL, TOL, 'rms_norm scale+rowSel');
    for (const t of [tx, tw, ts, tsel, out]) t.release();
  });

  it('1-D scale without a selector, D=3840, seed=12', async () => {
    const gpu = await getGpu();
    const rng = new Rng(12);
    const rows = 4, cols = 3840; // prettier-ignore
    const x = rng.normalArray(rows * cols);
    const s = rng.uniformArray(cols, -0.5, 0.5); // (D)
    const [tx, ts] = [gpu.upload(x, [rows, cols]), gpu.upload(s, [cols])];
    let ty = tx;
    gpu.run((b) => (ty = rmsNorm(b, tx, { eps: 1e-5, scale: ts })));
    expectClose(await gpu.read(ty), rmsNormRef(x, cols, 1e-5, undefined, { scale: s, stride: cols }), TOL, TOL, 'rms_norm scale');
    for (const t of [tx, ts, ty]) t.release();
  });

  it('per-head QK-norm in place on a (L, H, hd) view, seed=13', async () => {
    const gpu = await getGpu();
    const rng = new Rng(13);
    const L = 9, H = 3, hd = 128; // prettier-ignore
    const q = rng.normalArray(L * H * hd); // (L, H*hd)
    const w = rng.uniformArray(hd, 0.5, 1.5); // (hd)
    const tq = gpu.upload(q, [L, H * hd]);
    const tw = gpu.upload(w, [hd]);
    let ty = tw;
    gpu.run((b) => (ty = rmsNorm(b, tq.reshape([L * H, hd]), { weight: tw, eps: 1e-5, out: tq })));
    expect(ty).toBe(tq);
    expectClose(await gpu.read(tq), rmsNormRef(q, hd, 1e-5, w), TOL, TOL, 'rms_norm in place');
    tq.release();
    tw.release();
  });

  it('folds more than 65535 rows into a 2-D grid, seed=14', async () => {
    const gpu = await getGpu();
    const rng = new Rng(14);
    const rows = 70001, cols = 2; // prettier-ignore
    const x = rng.normalArray(rows * cols);
    const tx = gpu.upload(x, [rows, cols]);
    let ty = tx;
    gpu.run((b) => (ty = rmsNorm(b, tx, { eps: 1e-6 })));
    expectClose(await gpu.read(ty), rmsNormRef(x, cols, 1e-6), TOL, TOL, 'rms_norm many rows');
    tx.release();
    ty.release();
  });

  it('forced plain and subgroup reductions are two pipelines in one cache, seed=15', async () => {
    const gpu = await SUBGROUP_PATHS[0].gpu();
    expect(reductionFor(gpu)).toBe('subgroups');
    const rng = new Rng(15);
    const rows = 5, cols = 1000; // prettier-ignore
    const x = rng.normalArray(rows * cols); // (M, D)
    const w = rng.uniformArray(cols, 0.5, 1.5); // (D)
    const s = rng.uniformArray(cols, -0.5, 0.5); // (D)
    const [tx, tw, ts] = [gpu.upload(x, [rows, cols]), gpu.upload(w, [cols]), gpu.upload(s, [cols])];
    const [ya, yb] = [gpu.empty([rows, cols]), gpu.empty([rows, cols])];
    const before = gpu.pipelines.size;
    // weight + scale without rowSel: constants no other case here uses, so both pipelines are new
    gpu.run((b) => {
      rmsNorm(b, tx, { weight: tw, scale: ts, eps: 1e-6, out: ya, reduction: 'plain' });
      rmsNorm(b, tx, { weight: tw, scale: ts, eps: 1e-6, out: yb }); // default: subgroups
    });
    expect(gpu.pipelines.size - before).toBe(2);
    const want = rmsNormRef(x, cols, 1e-6, w, { scale: s, stride: cols });
    expectClose(await gpu.read(ya), want, TOL, TOL, 'rms_norm forced plain');
    expectClose(await gpu.read(yb), want, TOL, TOL, 'rms_norm subgroups');
    for (const t of [tx, tw, ts, ya, yb]) t.release();
    const plain = await SUBGROUP_PATHS[1].gpu();
    expect(reductionFor(plain)).toBe('plain');
    expect(() => reductionFor(plain, 'subgroups')).toThrow(/subgroups/);
  });

  it('rejects bad shapes and aliasing with RangeErrors', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(12), [3, 4]);
    const w3 = gpu.upload(new Float32Array(3), [3]);
    const s = gpu.upload(new Float32Array(8), [2, 4]);
    const sel = gpu.uploadU32(new Uint32Array(3), [3]);
    const b = gpu.batch('rms_norm errors');
    expect(() => rmsNorm(b, x, { eps: 1e-6, weight: w3 })).toThrow(RangeError);
    expect(() => rmsNorm(b, x, { eps: 1e-6, rowSel: sel })).toThrow(/rowSel without scale/);
    expect(() => rmsNorm(b, x, { eps: 1e-6, scale: s, rowSel: w3 })).toThrow(/rowSel must be u32, got f32/);
    expect(() => rmsNorm(b, x, { eps: 1e-6, scale: s, scaleOffset: 1 })).toThrow(RangeError);
    expect(() => rmsNorm(b, x, { eps: 1e-6, scale: s, rowSel: w3.reshape([3]), out: w3 })).toThrow(RangeError);
    expect(() => rmsNorm(b, x, { eps: 1e-6, scale: x.reshape([12]).reshape([3, 4]) })).toThrow(/share a buffer/);
    b.submit();
    for (const t of [x, w3, s, sel]) t.release();
  });
});
