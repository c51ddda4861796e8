// rms_norm and layer_norm over rows of the DiT's width: ours (one workgroup per row, tree reduction) against ORT's
// SimplifiedLayerNormalization and LayerNormalization. There is no separate naive kernel for these: a row-wise
// reduction has no simpler GPU form worth timing.
import { layerNorm } from '../../src/engine/kernels/layerNorm.ts';
import { rmsNorm } from '../../src/engine/kernels/rmsNorm.ts';
import { layerNormOrt, rmsNormOrt } from '../models.ts';
import { layerNormRef, rmsNormRef } from '../ref.ts';
import type { BenchCase, CaseFactory } from './types.ts';

const EPS = 1e-5;

function normCase(kind: 'rms_norm' | 'layer_norm', rows: number, D: number): BenchCase {
  return {
    op: kind,
    shape: `rows=${rows} D=${D}`,
    setup({ gpu, rng }) {
      const x = rng.normalArray(rows * D); // (rows, D)
      const w = rng.uniformArray(D, 0.5, 1.5); // (D)
      const tx = gpu.upload(x, [rows, D], 'f32', 'x');
      const tw = gpu.upload(w, [D], 'f32', 'w');
      const out = gpu.empty([rows, D], 'f32', 'y');
      const rms = kind === 'rms_norm';
      return {
        // the harness releases what a recorder returns: hand it a view, the case owns `out`
        ours: (b) => (rms ? rmsNorm(b, tx, { weight: tw, eps: EPS, out }) : layerNorm(b, tx, { eps: EPS, out })).reshape([rows, D]),
        ort: rms ? rmsNormOrt(x, w, rows, D, EPS) : layerNormOrt(x, rows, D, EPS),
        expected: () => (rms ? rmsNormRef(x, w, rows, D, EPS) : layerNormRef(x, rows, D, EPS)),
        atol: 1e-4,
        rtol: 1e-4,
        flops: 4 * rows * D,
        notes: ['no naive kernel for row reductions'],
        dispose() {
          for (const t of [tx, tw, out]) t.release();
        },
      };
    },
  };
}

export const normCases: CaseFactory = (preset) =>
  preset === 'full'
    ? [normCase('rms_norm', 4224, 3840), normCase('layer_norm', 4096, 3840)]
    : [normCase('rms_norm', 256, 3840), normCase('layer_norm', 256, 3840)];
