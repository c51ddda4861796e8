// conv2d 3×3: the VAE's stride-1 pad-1 convolution and its stride-2 downsample with (0,1,0,1) padding (right
// and bottom only), against ONNX Conv (NCHW, batch 1; same flat layout as our (C, H, W)).
import { kernels, notMerged } from '../kernels.ts';
import { type ConvShape, conv2dOrt, convOutSize } from '../models.ts';
import { conv2dRef } from '../ref.ts';
import type { BenchCase, CaseFactory, Recorder } from './types.ts';

const CPU_CHECK_MACS = 64e6;

function convCase(s: ConvShape): BenchCase {
  const { Ho, Wo } = convOutSize(s);
  return {
    op: 'conv2d_3x3',
    shape: `${s.C}->${s.Cout}ch ${s.H}x${s.W} s${s.stride} pad[${s.pads}]`,
    setup({ gpu, rng }) {
      const x = rng.normalArray(s.C * s.H * s.W); // (C, H, W)
      const w = rng.normalArray(s.Cout * s.C * 9).map((v) => v / Math.sqrt(9 * s.C)); // (Cout, C, 3, 3)
      const bias = rng.normalArray(s.Cout); // (Cout)
      const tx = gpu.upload(x, [s.C, s.H, s.W], 'f32', 'x');
      const tw = gpu.upload(w, [s.Cout, s.C, 3, 3], 'f32', 'w');
      const tb = gpu.upload(bias, [s.Cout], 'f32', 'bias');
      // ours: 'same' (pad 1) or the VAE downsample's (0, 1, 0, 1); ORT gets the same padding as explicit pads
      const opts = s.stride === 1 ? ({ padding: 'same' } as const) : ({ stride: 2, padding: 'vae-down' } as const);
      const run = (fn: typeof kernels.conv2d): Recorder | undefined => fn && ((b) => fn(b, tx, tw, tb, opts));
      const notes: string[] = [];
      if (!kernels.conv2d) notes.push(notMerged('ours', 'conv2d'));
      if (!kernels.conv2dNaive) notes.push(notMerged('naive', 'conv2dNaive'));
      const macs = s.Cout * Ho * Wo * s.C * 9;
      return {
        ours: run(kernels.conv2d),
        naive: run(kernels.conv2dNaive),
        ort: conv2dOrt(x, w, bias, s),
        expected: macs <= CPU_CHECK_MACS ? () => conv2dRef(x, w, bias, s) : undefined,
        atol: 1e-4,
        rtol: 1e-3,
        flops: 2 * macs,
        notes,
        dispose() {
          tx.release();
          tw.release();
          tb.release();
        },
      };
    },
  };
}

const conv = (C: number, Cout: number, H: number, W: number, stride: 1 | 2): ConvShape => ({
  C,
  H,
  W,
  Cout,
  kernel: 3,
  stride,
  pads: stride === 1 ? [1, 1, 1, 1] : [0, 0, 1, 1],
});

export const conv2dCases: CaseFactory = (preset) =>
  preset === 'full'
    ? [conv(512, 512, 128, 128, 1), conv(128, 128, 512, 512, 1), conv(128, 128, 512, 512, 2)].map(convCase) // VAE at 1024²
    : [conv(32, 32, 32, 32, 1), conv(16, 16, 33, 33, 2)].map(convCase);
