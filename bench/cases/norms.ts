// rms_norm and layer_norm over rows of the DiT's width: ours (one workgroup per row) against ORT's
// SimplifiedLayerNormalization and LayerNormalization, once per workgroup sum (block_sum=plain: the tree;
// block_sum=subgroups: subgroupAdd, on devices with the feature; see src/engine/kernels/blockSum.ts). There is no
// separate naive kernel for these: a row-wise reduction has no simpler GPU form worth timing.
import { type Reduction, reductionFor } from '../../src/engine/kernels/blockSum.ts';
import { layerNorm } from '../../src/engine/kernels/layerNorm.ts';
import { rmsNorm } from '../../src/engine/kernels/rmsNorm.ts';
import { layerNormOrt, rmsNormOrt } from '../models.ts';
import { layerNormRef, rmsNormRef } from '../ref.ts';
import type { BenchCase, CaseFactory, SizePreset } from './types.ts';

const EPS = 1e-5;

type Kind = 'rms_norm' | 'layer_norm';

function normCase(kind: Kind, rows: number, D: number, reduction: Reduction): BenchCase {
  return {
    op: kind,
    shape: `rows=${rows} D=${D} block_sum=${reduction}`,
    setup({ gpu, rng }) {
      const picked = `the engine picks block_sum=${reductionFor(gpu)} on this device`;
      if (reduction === 'subgroups' && !gpu.features.subgroups)
        return { atol: 0, rtol: 0, notes: ['the device has no subgroups', picked], dispose() {} };
      const x = rng.normalArray(rows * D); // (rows, D)
      const w = rng.uniformArray(D, 0.5, 1.5); // (D)
      const tx = gpu.upload(x, [rows, D], 'f32', 'x');
      const tw = gpu.upload(w, [D], 'f32', 'w');
      const out = gpu.empty([rows, D], 'f32', 'y');
      const rms = kind === 'rms_norm';
      return {
        // the harness releases what a recorder returns: hand it a view, the case owns `out`
        ours: (b) =>
          (rms ? rmsNorm(b, tx, { weight: tw, eps: EPS, out, reduction }) : layerNorm(b, tx, { eps: EPS, out, reduction })).reshape([rows, D]),
        ort: rms ? rmsNormOrt(x, w, rows, D, EPS) : layerNormOrt(x, rows, D, EPS),
        expected: () => (rms ? rmsNormRef(x, w, rows, D, EPS) : layerNormRef(x, rows, D, EPS)),
        atol: 1e-4,
        rtol: 1e-4,
        flops: 4 * rows * D,
        notes: ['no naive kernel for row reductions', picked],
        dispose() {
          for (const t of [tx, tw, out]) t.release();
        },
      };
    },
  };
}

// DiT rows of D=3840 (1024²: 4224 tokens), and per-head QK-norm rows of 128 (30 heads per token), where the
// reduction is a larger share of each row's work.
const SHAPES: Record<SizePreset, [Kind, rows: number, D: number][]> = {
  full: [['rms_norm', 4224, 3840], ['rms_norm', 4224 * 30, 128], ['layer_norm', 4096, 3840]],
  default: [['rms_norm', 256, 3840], ['rms_norm', 1024, 128], ['layer_norm', 256, 3840]],
};

export const normCases: CaseFactory = (preset) =>
  (['plain', 'subgroups'] as const).flatMap((r) => SHAPES[preset].map(([kind, rows, D]) => normCase(kind, rows, D, r)));
