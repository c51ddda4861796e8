// Rotary position embedding, in place on q or k (L, H, hd). Bindings and dispatch: shaders/rope.wgsl.
// The tables are model knowledge and are built by the model layer (f32, (Lt >= L, hd/2), row l for token l):
//   Z-Image: 64 angles per token = [p0*w0 (16) | p1*w1 (24) | p2*w2 (24)], w_a,j = 256^(-2j/d_a), -> ropeComplex.
//   Qwen3:   angle_j = pos * 1e6^(-2j/128), j < 64 (rotate-half with cat(ang, ang) folded in) -> ropeHalf.
import code from '../../../shaders/rope.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';
import { checkF32 } from './common.ts';

export const ropeShader = fileShader('rope', code);

const WG = 256;

export interface RopeOptions {
  heads: number; // H
  headDim: number; // hd, even
}

/** Z-Image complex-pair form: (x[2j], x[2j+1]) rotated by angle j. x (L, H, hd) or any view of L*H*hd. */
export function ropeComplex(b: Batch, x: Tensor, cos: Tensor, sin: Tensor, opts: RopeOptions): void {
  rope(b, 'ropeComplex', false, x, cos, sin, opts);
}

/** Qwen3 rotate-half form: (x[j], x[j + hd/2]) rotated by angle j. x (L, H, hd) or any view of L*H*hd. */
export function ropeHalf(b: Batch, x: Tensor, cos: Tensor, sin: Tensor, opts: RopeOptions): void {
  rope(b, 'ropeHalf', true, x, cos, sin, opts);
}

function rope(b: Batch, op: string, half: boolean, x: Tensor, cos: Tensor, sin: Tensor, opts: RopeOptions): void {
  const { heads, headDim } = opts;
  for (const [name, t] of [['x', x], ['cos', cos], ['sin', sin]] as const) checkF32(op, name, t);
  if (!Number.isInteger(heads) || heads < 1) throw new RangeError(`${op}: heads must be a positive integer, got ${heads}`);
  if (!Number.isInteger(headDim) || headDim < 2 || headDim % 2) throw new RangeError(`${op}: headDim must be even, got ${headDim}`);
  const hh = headDim / 2;
  const L = x.numel / (heads * headDim);
  if (!Number.isInteger(L) || L < 1) throw new RangeError(`${op}: x [${x.shape}] is not (L, ${heads}, ${headDim})`);
  for (const [name, t] of [['cos', cos], ['sin', sin]] as const) {
    if (t.shape.length !== 2 || t.shape[1] !== hh || t.shape[0] < L)
      throw new RangeError(`${op}: ${name} [${t.shape}] must be (>= ${L}, ${hh})`);
    if (t.data === x.data) throw new RangeError(`${op}: ${name} must not share a buffer with x`);
  }
  const pairs = L * heads * hh;
  const g = grid(Math.ceil(pairs / WG), b.gpu.limits.maxComputeWorkgroupsPerDimension);
  const u = params().u32(pairs).u32(heads).u32(hh).u32(g[0] * WG).build();
  b.dispatch({ shader: ropeShader, constants: { WG, HALF: half ? 1 : 0 } }, u, [x.data, cos.data, sin.data], g);
}
