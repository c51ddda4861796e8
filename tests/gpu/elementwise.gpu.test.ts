import { describe, expect, it } from 'vitest';
import * as ew from '../../src/engine/kernels/elementwise.ts';
import * as ref from '../../src/engine/ref/elementwise.ts';
import type { Gpu } from '../../src/engine/gpu.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import { AWKWARD_SIZES, expectClose, getGpu } from './harness.ts';

const TOL = 1e-5; // exp/tanh of the adapter vs f64; plain + and * are within one rounding

async function readAll(gpu: Gpu, ts: Tensor[]): Promise<Float32Array[]> {
  const out = await Promise.all(ts.map((t) => gpu.read(t)));
  for (const t of new Set(ts)) t.release();
  return out;
}

describe('elementwise: add, mul, scale, silu, silu*mul', () => {
  for (const n of AWKWARD_SIZES) {
    it(`n=${n}, out of place and in place, seed=${n + 40}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(n + 40);
      const a = rng.normalArray(n).map((v) => v * 4);
      const c = rng.normalArray(n).map((v) => v * 4);
      const ta = gpu.upload(a, [n]);
      const tc = gpu.upload(c, [n]);
      const ip = gpu.upload(a, [n]);
      const res: Tensor[] = [];
      gpu.run((b) => {
        res.push(ew.add(b, ta, tc), ew.mul(b, ta, tc), ew.scale(b, ta, -0.37), ew.silu(b, ta), ew.siluMul(b, ta, tc));
        res.push(ew.mul(b, ta, ta), ew.affine(b, ta, 1 / 0.3611, 0.1159)); // the same buffer twice, read-only: allowed
        ew.add(b, ip, tc, { inPlace: true });
        ew.silu(b, ip, { out: ip });
      });
      const [add, mul, sc, si, sm, sq, af, inPlace] = await readAll(gpu, [...res, ip, ta, tc]);
      expectClose(add, ref.addRef(a, c), 0, 1e-7, 'add');
      expectClose(mul, ref.mulRef(a, c), 0, 1e-7, 'mul');
      expectClose(sc, ref.scaleRef(a, -0.37), 0, 1e-7, 'scale');
      expectClose(si, ref.siluRef(a), 1e-6, TOL, 'silu');
      expectClose(sm, ref.siluMulRef(a, c), 1e-6, TOL, 'siluMul');
      expectClose(sq, ref.mulRef(a, a), 0, 1e-7, 'mul x*x');
      expectClose(af, ref.affineRef(a, 1 / 0.3611, 0.1159), 1e-6, 1e-6, 'affine');
      expectClose(inPlace, ref.siluRef(ref.addRef(a, c)), 1e-6, TOL, 'in place add then silu');
    });
  }

  it('silu stays finite at extreme inputs', async () => {
    const gpu = await getGpu();
    const a = Float32Array.from([-1e4, -100, -88.8, -20, 0, 20, 88.8, 100, 1e4]);
    const ta = gpu.upload(a, [a.length]);
    let ts = ta;
    gpu.run((b) => (ts = ew.silu(b, ta)));
    const [got] = await readAll(gpu, [ts, ta]);
    expectClose(got, ref.siluRef(a), 1e-6, TOL, 'silu extremes');
  });
});

describe('elementwise: rows with a broadcast operand', () => {
  for (const [rows, cols] of [[1, 3], [33, 130], [1025, 33]] as const) {
    it(`addRow (${rows}, ${cols}), seed=${rows + cols}`, async () => {
      const gpu = await getGpu();
      const rng = new Rng(rows + cols);
      const x = rng.normalArray(rows * cols); // (M, N)
      const v = rng.normalArray(cols); // (N)
      const [tx, tv] = [gpu.upload(x, [rows, cols]), gpu.upload(v, [cols])];
      const out = gpu.empty([rows, cols]);
      gpu.run((b) => expect(ew.addBias(b, tx, tv, { out })).toBe(out));
      const [got] = await readAll(gpu, [out, tx, tv]);
      expectClose(got, ref.addRowRef(x, v), 0, 1e-7, 'addRow');
    });
  }

  it('gatedResidual: 1-D gate, then (G, S) gates by rowSel at an offset, in place, seed=51', async () => {
    const gpu = await getGpu();
    const rng = new Rng(51);
    const rows = 33, cols = 130, G = 3, S = 4 * cols, off = 2 * cols; // prettier-ignore
    const x = rng.normalArray(rows * cols); // (M, D)
    const y = rng.normalArray(rows * cols); // (M, D)
    const g1 = rng.normalArray(cols).map((v) => v * 3); // (D)
    const gG = rng.normalArray(G * S).map((v, i) => (i % 17 === 0 ? v * 80 : v)); // (G, S), some far past tanh's knee
    const sel = Uint32Array.from({ length: rows }, () => rng.int(G)); // (M)
    const t = [gpu.upload(x, [rows, cols]), gpu.upload(y, [rows, cols]), gpu.upload(g1, [cols]), gpu.upload(gG, [G, S])];
    const [tx, ty, tg1, tgG] = t;
    const tsel = gpu.uploadU32(sel, [rows]);
    let r1 = tx;
    gpu.run((b) => {
      r1 = ew.gatedResidual(b, tx, ty, tg1);
      expect(ew.gatedResidual(b, tx, ty, tgG, { rowSel: tsel, gateOffset: off, inPlace: true })).toBe(tx);
      expect(() => ew.gatedResidual(b, tx, ty, tgG, { rowSel: tg1 })).toThrow(/rowSel must be u32/);
    });
    const [got1, got2] = await readAll(gpu, [r1, tx, ty, tg1, tgG]);
    tsel.release();
    expectClose(got1, ref.gatedResidualRef(x, y, g1, cols), 1e-6, TOL, 'gatedResidual 1-D gate');
    expectClose(got2, ref.gatedResidualRef(x, y, gG, cols, S, off, sel), 1e-6, TOL, 'gatedResidual rowSel');
  });

  it('maskedBlend (C, H, W) with a soft and a hard (H, W) mask, in place, seed=52', async () => {
    const gpu = await getGpu();
    const rng = new Rng(52);
    const C = 16, H = 9, W = 11; // prettier-ignore
    const a = rng.normalArray(C * H * W);
    const known = rng.normalArray(C * H * W);
    const soft = rng.uniformArray(H * W, 0, 1);
    const hard = soft.map((v) => (v > 0.5 ? 1 : 0));
    const t = [gpu.upload(a, [C, H, W]), gpu.upload(known, [C, H, W]), gpu.upload(soft, [H, W]), gpu.upload(hard, [H, W])];
    const [ta, tk, ts, th] = t;
    let r = ta;
    gpu.run((b) => {
      r = ew.maskedBlend(b, ta, tk, ts);
      ew.maskedBlend(b, ta, tk, th, { inPlace: true });
    });
    const [gotSoft, gotHard] = await readAll(gpu, [r, ta, tk, ts, th]);
    expectClose(gotSoft, ref.maskedBlendRef(a, known, soft), 1e-6, 1e-6, 'maskedBlend soft');
    expectClose(gotHard, ref.maskedBlendRef(a, known, hard), 0, 0, 'maskedBlend hard (exact picks)');
  });
});

describe('elementwise: row copies and transpose', () => {
  it('concatRows, sliceRows, copyRows, fillRows, seed=61', async () => {
    const gpu = await getGpu();
    const rng = new Rng(61);
    const D = 33;
    const parts = [1, 33, 5].map((m) => rng.normalArray(m * D)); // (Mi, D)
    const pad = rng.normalArray(D); // (D)
    const tp = parts.map((p) => gpu.upload(p, [p.length / D, D]));
    const tpad = gpu.upload(pad, [1, D]);
    const dst = gpu.upload(new Float32Array(50 * D), [50, D]);
    let cat = dst;
    let sl = dst;
    gpu.run((b) => {
      cat = ew.concatRows(b, tp);
      sl = ew.sliceRows(b, cat, 30, 9);
      ew.copyRows(b, tp[1], dst, { srcRow: 2, dstRow: 10, rows: 31 });
      ew.fillRows(b, dst, tpad, 41, 7);
    });
    const [gotCat, gotSlice, gotDst] = await readAll(gpu, [cat, sl, dst, ...tp, tpad]);
    const wantCat = ref.concatRowsRef(parts);
    expectClose(gotCat, wantCat, 0, 0, 'concatRows');
    expectClose(gotSlice, ref.sliceRowsRef(wantCat, D, 30, 9), 0, 0, 'sliceRows');
    const wantDst = new Float32Array(50 * D);
    wantDst.set(parts[1].subarray(2 * D, 33 * D), 10 * D);
    for (let r = 41; r < 48; r++) wantDst.set(pad, r * D);
    expectClose(gotDst, wantDst, 0, 0, 'copyRows + fillRows');
  });

  for (const [R, C] of [[1, 1], [33, 17], [16, 16], [1, 1025], [1025, 1], [130, 1025]] as const) {
    it(`transpose2d (${R}, ${C}), seed=${R * C}`, async () => {
      const gpu = await getGpu();
      const x = new Rng(R * C).normalArray(R * C); // (R, C)
      const tx = gpu.upload(x, [R, C]);
      let tt = tx;
      gpu.run((b) => (tt = ew.transpose2d(b, tx)));
      expect(tt.shape).toEqual([C, R]);
      const [got] = await readAll(gpu, [tt, tx]);
      expectClose(got, ref.transpose2dRef(x, R, C), 0, 0, `transpose2d (${R},${C})`);
    });
  }

  it('transpose2d folds more than 65535 tiles into a 2-D grid, seed=62', async () => {
    const gpu = await getGpu();
    const R = 1, C = 65537 * 16 + 5; // prettier-ignore
    const x = new Rng(62).uniformArray(R * C);
    const tx = gpu.upload(x, [R, C]);
    let tt = tx;
    gpu.run((b) => (tt = ew.transpose2d(b, tx)));
    const [got] = await readAll(gpu, [tt, tx]);
    expectClose(got, ref.transpose2dRef(x, R, C), 0, 0, 'transpose2d large');
  });

  it('rejects bad shapes and aliasing with RangeErrors', async () => {
    const gpu = await getGpu();
    const x = gpu.upload(new Float32Array(12), [3, 4]);
    const y = gpu.upload(new Float32Array(10), [10]);
    const v = gpu.upload(new Float32Array(3), [3]);
    const b = gpu.batch('elementwise errors');
    expect(() => ew.add(b, x, y)).toThrow(/differ in size/);
    expect(() => ew.addRow(b, x, v)).toThrow(RangeError);
    expect(() => ew.add(b, x, x, { inPlace: true })).toThrow(/share a buffer/);
    expect(() => ew.gatedResidual(b, x, x, v)).toThrow(RangeError);
    expect(() => ew.sliceRows(b, x, 2, 2)).toThrow(RangeError);
    expect(() => ew.copyRows(b, x, x.reshape([3, 4]))).toThrow(/share a buffer/);
    expect(() => ew.concatRows(b, [x, y])).toThrow(/row widths/);
    expect(() => ew.maskedBlend(b, x, x, gpu.upload(new Float32Array(5), [5]))).toThrow(RangeError);
    expect(() => ew.transpose2d(b, y)).toThrow(RangeError);
    b.submit();
    for (const t of [x, y, v]) t.release();
  });
});
