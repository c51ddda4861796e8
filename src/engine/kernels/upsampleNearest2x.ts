// Nearest-neighbour x2 upsampling of (C, H, W) to (C, 2H, 2W). Bindings and dispatch: shaders/upsample_nearest2x.wgsl.
// The VAE decoder's Upsample can skip this intermediate: upsampleConv2d in conv2d.ts fuses it into the 3x3 conv.
import code from '../../../shaders/upsample_nearest2x.wgsl?raw';
import { fileShader } from '../compose.ts';
import type { Batch } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';

export const upsampleNearest2xShader = fileShader('upsample_nearest2x', code);

const WG = 256;
const PER = 4; // outputs per thread (the shader's const)

export function upsampleNearest2x(b: Batch, x: Tensor, opts: { out?: Tensor } = {}): Tensor {
  if (x.dtype !== 'f32' || x.shape.length !== 3) throw new RangeError(`upsampleNearest2x: x must be f32 (C, H, W), got ${x.dtype} [${x.shape}]`);
  const [c, h, w] = x.shape;
  const out = opts.out;
  if (out) {
    if (out.dtype !== 'f32' || out.shape.length !== 3 || out.shape[0] !== c || out.shape[1] !== 2 * h || out.shape[2] !== 2 * w)
      throw new RangeError(`upsampleNearest2x: out must be f32 [${c},${2 * h},${2 * w}], got ${out.dtype} [${out.shape}]`);
    if (out.data === x.data) throw new RangeError('upsampleNearest2x: out must not alias x');
  }
  const gx = Math.ceil((4 * h * w) / (WG * PER));
  const maxDim = b.gpu.limits.maxComputeWorkgroupsPerDimension;
  if (gx > maxDim || c > maxDim) throw new RangeError(`upsampleNearest2x: [${x.shape}] exceeds the dispatch limit of ${maxDim}`);
  const y = out ?? b.gpu.empty([c, 2 * h, 2 * w], 'f32', 'upsample.out'); // (C, 2H, 2W)
  b.dispatch({ shader: upsampleNearest2xShader, constants: { WG } }, params().u32(h).u32(w).build(), [x.data, y.data], [gx, c, 1]);
  return y;
}
