// 2-D convolution (channels-first, batch 1) as a tiled implicit GEMM. Bindings and dispatch: shaders/conv2d.wgsl.
// Covers what the FLUX VAE needs: 3x3 stride 1 pad 1, 1x1 pointwise, the encoder's Downsample (zero pad right and
// bottom by 1, then 3x3 stride 2 pad 0) and, fused, the decoder's Upsample (nearest x2 then 3x3 pad 1).
import code from '../../../shaders/conv2d.wgsl?raw';
import { fileShader } from '../compose.ts';
import { type Batch, grid } from '../gpu.ts';
import { params } from '../params.ts';
import type { Tensor } from '../tensor.ts';

export const conv2dShader = fileShader('conv2d', code);

export type Conv2dPadding = 'same' | 'vae-down';

/** Workgroup shape of the implicit GEMM: WG_M x WG_N threads, each owning 4 x 4 outputs; TK = K per chunk. */
export interface Conv2dTiles {
  WG_M: number;
  WG_N: number;
  TK: number;
}

export interface Conv2dOptions {
  /** Default 1 for 'same', 2 for 'vae-down' (which only exists with stride 2). */
  stride?: 1 | 2;
  /** 'same': pad (k-1)/2 on every side (3x3: 1, 1x1: 0). 'vae-down': pad (left 0, right 1, top 0, bottom 1). */
  padding?: Conv2dPadding;
  out?: Tensor;
  /** Tile override for tuning and benchmarks; by default chosen from Cout. */
  tiles?: Conv2dTiles;
}

const R = 4; // register tile per thread along each GEMM axis (RM = RN in the shader)
/** 64 channels x 64 pixels per workgroup: the VAE's 128..512-channel convolutions. */
export const TILES_WIDE: Conv2dTiles = { WG_M: 16, WG_N: 16, TK: 16 };
/** 16 channels x 128 pixels: few output channels (conv_out's 3, the encoder's 32) waste less of the tile. */
export const TILES_NARROW: Conv2dTiles = { WG_M: 4, WG_N: 32, TK: 16 };
/** 32 channels x 128 pixels: 17..32 output channels fill the tile instead of half of a wide one. */
export const TILES_MID: Conv2dTiles = { WG_M: 8, WG_N: 32, TK: 16 };

/** Shapes and padding of one convolution, validated; shared with the naive kernel. */
export interface ConvGeometry {
  cin: number;
  h: number; // input rows (before a fused upsample)
  w: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  padT: number; // rows of zeros above (bottom padding is implied by ho)
  padL: number;
  ho: number;
  wo: number;
  wF16: boolean;
  upsample: boolean; // input upsampled nearest x2 before the convolution
}

export function convGeometry(
  op: string,
  x: Tensor, // (Cin, H, W)
  weight: Tensor, // (Cout, Cin, kh, kw)
  bias: Tensor, // (Cout)
  stride: number | undefined,
  padding: Conv2dPadding,
  upsample: boolean,
  out: Tensor | undefined,
): ConvGeometry {
  if (x.dtype !== 'f32' || x.shape.length !== 3) throw new RangeError(`${op}: x must be f32 (C, H, W), got ${x.dtype} [${x.shape}]`);
  if ((weight.dtype !== 'f32' && weight.dtype !== 'f16') || weight.shape.length !== 4)
    throw new RangeError(`${op}: weight must be f32 or f16 (Cout, Cin, kh, kw), got ${weight.dtype} [${weight.shape}]`);
  const [cin, h0, w0] = x.shape;
  const [cout, wcin, kh, kw] = weight.shape;
  if (wcin !== cin) throw new RangeError(`${op}: weight has ${wcin} input channels, x has ${cin}`);
  if (kh !== kw || (kh !== 1 && kh !== 3)) throw new RangeError(`${op}: kernel must be 1x1 or 3x3, got ${kh}x${kw}`);
  if (bias.dtype !== 'f32' || bias.shape.length !== 1 || bias.shape[0] !== cout)
    throw new RangeError(`${op}: bias must be f32 (${cout}), got ${bias.dtype} [${bias.shape}]`);
  const s = stride ?? (padding === 'vae-down' ? 2 : 1);
  if (s !== 1 && s !== 2) throw new RangeError(`${op}: stride must be 1 or 2, got ${s}`);
  const h = upsample ? 2 * h0 : h0; // the convolution's own input size
  const w = upsample ? 2 * w0 : w0;
  let padT: number, padL: number, padB: number, padR: number;
  if (padding === 'same') {
    padT = padL = padB = padR = (kh - 1) / 2;
  } else if (padding === 'vae-down') {
    if (s !== 2) throw new RangeError(`${op}: 'vae-down' padding is the stride-2 Downsample, got stride ${s}`);
    [padT, padL, padB, padR] = [0, 0, 1, 1];
  } else throw new RangeError(`${op}: unknown padding ${String(padding)}`);
  const ho = Math.floor((h + padT + padB - kh) / s) + 1;
  const wo = Math.floor((w + padL + padR - kw) / s) + 1;
  if (!(ho >= 1 && wo >= 1 && cin >= 1 && cout >= 1))
    throw new RangeError(`${op}: input [${x.shape}] is too small for a ${kh}x${kw} stride-${s} '${padding}' convolution`);
  if (out) {
    if (out.dtype !== 'f32' || out.shape.length !== 3 || out.shape[0] !== cout || out.shape[1] !== ho || out.shape[2] !== wo)
      throw new RangeError(`${op}: out must be f32 [${cout},${ho},${wo}], got ${out.dtype} [${out.shape}]`);
    if (out.data === x.data || out.data === weight.data || out.data === bias.data)
      throw new RangeError(`${op}: out must not alias an input (the kernel reads x while writing out)`);
  }
  return { cin, h: h0, w: w0, cout, kh, kw, stride: s, padT, padL, ho, wo, wF16: weight.dtype === 'f16', upsample };
}

/** Convolution of x (Cin, H, W) with weight (Cout, Cin, k, k) plus bias: (Cout, Ho, Wo). */
export function conv2d(b: Batch, x: Tensor, weight: Tensor, bias: Tensor, opts: Conv2dOptions = {}): Tensor {
  const g = convGeometry('conv2d', x, weight, bias, opts.stride, opts.padding ?? 'same', false, opts.out);
  return dispatchConv(b, g, x, weight, bias, opts.out, opts.tiles);
}

/**
 * The VAE Upsample in one pass: nearest x2 of x (C, H, W), then a 3x3 stride-1 pad-1 convolution: (Cout, 2H, 2W).
 * Equal to conv2d(upsampleNearest2x(x)) without the 4x larger intermediate.
 */
export function upsampleConv2d(b: Batch, x: Tensor, weight: Tensor, bias: Tensor, opts: { out?: Tensor; tiles?: Conv2dTiles } = {}): Tensor {
  const g = convGeometry('upsampleConv2d', x, weight, bias, 1, 'same', true, opts.out);
  return dispatchConv(b, g, x, weight, bias, opts.out, opts.tiles);
}

function checkTiles(b: Batch, t: Conv2dTiles): void {
  const threads = t.WG_M * t.WG_N;
  const tn = t.WG_N * R;
  const shared = t.TK * (t.WG_M + t.WG_N) * R * 4; // bytes: (TK, TM) + (TK, TN) f32
  const lim = b.gpu.limits;
  const ok = [t.WG_M, t.WG_N, t.TK].every((v) => Number.isInteger(v) && v >= 1);
  if (!ok || threads % tn !== 0 || threads > lim.maxComputeInvocationsPerWorkgroup || shared > lim.maxComputeWorkgroupStorageSize)
    throw new RangeError(
      `conv2d: tiles ${JSON.stringify(t)} need WG_M*WG_N (${threads}) a multiple of TN = WG_N*${R} (${tn}), i.e. WG_M a multiple of ${R}, at most ` +
        `${lim.maxComputeInvocationsPerWorkgroup} threads and ${shared} <= ${lim.maxComputeWorkgroupStorageSize} bytes of workgroup memory`,
    );
}

function dispatchConv(b: Batch, g: ConvGeometry, x: Tensor, weight: Tensor, bias: Tensor, out: Tensor | undefined, tiles?: Conv2dTiles): Tensor {
  const t = tiles ?? (g.cout <= 16 ? TILES_NARROW : g.cout <= 32 ? TILES_MID : TILES_WIDE);
  checkTiles(b, t);
  const maxDim = b.gpu.limits.maxComputeWorkgroupsPerDimension;
  const nPix = g.ho * g.wo; // GEMM N
  const tilesM = Math.ceil(g.cout / (t.WG_M * R));
  if (tilesM > maxDim) throw new RangeError(`conv2d: ${g.cout} output channels exceed the dispatch limit`);
  const [gx, gy] = grid(Math.ceil(nPix / (t.WG_N * R)), maxDim);
  const y = out ?? b.gpu.empty([g.cout, g.ho, g.wo], 'f32', 'conv2d.out'); // (Cout, Ho, Wo)
  const kTotal = g.cin * g.kh * g.kw; // GEMM K
  const u = params().u32(g.cin).u32(g.h).u32(g.w).u32(g.cout).u32(g.ho).u32(g.wo).u32(kTotal).u32(g.padT).u32(g.padL).u32(gx).build();
  const constants = { WG_M: t.WG_M, WG_N: t.WG_N, TK: t.TK, KH: g.kh, KW: g.kw, S: g.stride, W_F16: g.wF16 ? 1 : 0, UP: g.upsample ? 1 : 0 };
  b.dispatch({ shader: conv2dShader, constants }, u, [x.data, weight.data, bias.data, y.data], [gx, gy, tilesM]);
  return y;
}
