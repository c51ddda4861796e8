// Canny edges of an RGBA8 image on the GPU (the control images of the ControlNet). Bindings and dispatch:
// shaders/canny.wgsl; the CPU reference with the same integer steps is ref/canny.ts. Work buffers hold u32 words in
// f32-typed tensors (4 bytes each) that only the kernels read.
import code from '../../../shaders/canny.wgsl?raw';
import { fileShader } from '../compose.ts';
import type { Batch } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { cannySquared, type CannyThresholds } from '../ref/canny.ts';

export const cannyShader = fileShader('canny', code);

export type { CannyThresholds };

/** img: (H, W) packed RGBA8 words (uploaded bytes) -> edges (H, W) f32, 1 on an edge, else 0. */
export function canny(b: Batch, img: Tensor, t: CannyThresholds): Tensor {
  if (img.shape.length !== 2) throw new RangeError(`canny: img must be (H, W) packed RGBA8 words, got [${img.shape}]`);
  if (!(t.low >= 0 && t.high >= t.low && t.high <= 2048) || !Number.isInteger(t.passes) || t.passes < 0)
    throw new RangeError(`canny: thresholds must satisfy 0 <= low <= high <= 2048 and passes a whole number, got ${t.low}, ${t.high}, ${t.passes}`);
  const [h, w] = img.shape;
  const u = params().u32(w).u32(h).u32(cannySquared(t.low)).u32(cannySquared(t.high)).build();
  const groups: [number, number, number] = [Math.ceil(w / 8), Math.ceil(h / 8), 1];
  const max = b.gpu.limits.maxComputeWorkgroupsPerDimension;
  if (groups[0] > max || groups[1] > max) throw new RangeError(`canny: ${w}x${h} exceeds the dispatch limit of ${max}`);
  const step = (entryPoint: string, src: Tensor, dst: Tensor) => b.dispatch({ shader: cannyShader, entryPoint }, u, [src.data, dst.data], groups);
  let a = b.gpu.empty([h, w], 'f32', 'canny.a');
  let c = b.gpu.empty([h, w], 'f32', 'canny.b');
  step('blur', img, a);
  step('sobel', a, c);
  step('nms', c, a);
  for (let k = 0; k < t.passes; k++) {
    step('grow', a, c);
    [a, c] = [c, a];
  }
  step('edges', a, c);
  a.release();
  return c;
}
