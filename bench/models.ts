// Single-operator ONNX models for the onnxruntime-web side of the bench, with their feeds. Weights are graph
// initializers (as in a real exported model, so ORT may pre-pack them); activations are graph inputs.
// Pure: runs in Node (tests/bench/onnx.test.ts runs every model on ORT's CPU EP) and in the bench page.
import { attr, encodeModel, type OnnxNode, type OnnxTensor, type OnnxValueInfo } from './onnx.ts';
import type { Q4Weights } from './q4.ts';

export interface OrtFeed {
  name: string;
  type: 'float32' | 'uint8';
  dims: number[];
  data: Float32Array | Uint8Array;
}

export interface OrtSpec {
  /** What ORT runs, for the table (e.g. 'MatMulNBits'). */
  what: string;
  model: Uint8Array;
  feeds: OrtFeed[];
  output: { name: string; dims: number[] };
}

function f32In(name: string, dims: number[]): OnnxValueInfo {
  return { name, type: 'float32', dims };
}

function single(what: string, nodes: OnnxNode[], feeds: OrtFeed[], out: { name: string; dims: number[] }, inits: OnnxTensor[]): OrtSpec {
  const model = encodeModel({
    graph: {
      name: what,
      nodes,
      inputs: feeds.map((f) => ({ name: f.name, type: f.type, dims: f.dims })),
      outputs: [f32In(out.name, out.dims)],
      initializers: inits,
    },
  });
  return { what, model, feeds, output: out };
}

/** y = z + dt * v as ONNX does it: Mul then Add (two kernels; ORT has no fused axpy). z, v: (n). */
export function eulerStepOrt(z: Float32Array, v: Float32Array, dt: number): OrtSpec {
  const n = z.length;
  return single(
    'Mul+Add',
    [
      { op: 'Mul', inputs: ['v', 'dt'], outputs: ['t'] },
      { op: 'Add', inputs: ['z', 't'], outputs: ['y'] },
    ],
    [
      { name: 'z', type: 'float32', dims: [n], data: z },
      { name: 'v', type: 'float32', dims: [n], data: v },
    ],
    { name: 'y', dims: [n] },
    [{ name: 'dt', type: 'float32', dims: [], data: new Float32Array([dt]) }],
  );
}

/** y (M, N) = x (M, K) · wᵀ, w given as (N, K) like a Linear layer; ONNX MatMul wants B as (K, N). */
export function matmulOrt(x: Float32Array, w: Float32Array, M: number, K: number, N: number): OrtSpec {
  const b = new Float32Array(K * N); // (K, N)
  for (let n = 0; n < N; n++) for (let k = 0; k < K; k++) b[k * N + n] = w[n * K + k];
  return single(
    'MatMul',
    [{ op: 'MatMul', inputs: ['x', 'W'], outputs: ['y'] }],
    [{ name: 'x', type: 'float32', dims: [M, K], data: x }],
    { name: 'y', dims: [M, N] },
    [{ name: 'W', type: 'float32', dims: [K, N], data: b }],
  );
}

/**
 * y (M, N) = x (M, K) · dequant(B)ᵀ with com.microsoft MatMulNBits, 4 bits, block 32: B uint8 (N, K/32, 16),
 * codes low nibble first; scales (N, K/32) as float like A; zero_points uint8 packed two per byte, low nibble
 * first, ceil((K/32)/2) bytes per row; an element is (code - zero_point) * scale. accuracy_level stays 0 (f32 A).
 */
export function matMulNBitsOrt(x: Float32Array, q: Q4Weights, M: number): OrtSpec {
  const { N, K } = q;
  const blocks = K / 32;
  return single(
    'MatMulNBits',
    [
      {
        op: 'MatMulNBits',
        domain: 'com.microsoft',
        inputs: ['x', 'B', 'scales', 'zero_points'],
        outputs: ['y'],
        attrs: { K: attr.int(K), N: attr.int(N), bits: attr.int(4), block_size: attr.int(32) },
      },
    ],
    [{ name: 'x', type: 'float32', dims: [M, K], data: x }],
    { name: 'y', dims: [M, N] },
    [
      { name: 'B', type: 'uint8', dims: [N, blocks, 16], data: q.codes },
      { name: 'scales', type: 'float32', dims: [N, blocks], data: q.scales },
      { name: 'zero_points', type: 'uint8', dims: [N * Math.ceil(blocks / 2)], data: q.zeroPoints },
    ],
  );
}

/**
 * Non-causal multi-head attention with com.microsoft MultiHeadAttention: q (1, L, H·hd), k and v (1, Lk, H·hd),
 * token-major like the output of a QKV projection; scale 1/sqrt(hd). Output (1, L, H·hd).
 */
export function mhaOrt(q: Float32Array, k: Float32Array, v: Float32Array, L: number, Lk: number, heads: number, headDim: number): OrtSpec {
  const D = heads * headDim;
  return single(
    'MultiHeadAttention',
    [
      {
        op: 'MultiHeadAttention',
        domain: 'com.microsoft',
        inputs: ['q', 'k', 'v'],
        outputs: ['y'],
        attrs: { num_heads: attr.int(heads), scale: attr.float(1 / Math.sqrt(headDim)) },
      },
    ],
    [
      { name: 'q', type: 'float32', dims: [1, L, D], data: q },
      { name: 'k', type: 'float32', dims: [1, Lk, D], data: k },
      { name: 'v', type: 'float32', dims: [1, Lk, D], data: v },
    ],
    { name: 'y', dims: [1, L, D] },
    [],
  );
}

export interface ConvShape {
  C: number; // input channels
  H: number;
  W: number;
  Cout: number;
  kernel: number; // square kernel side
  stride: number;
  /** ONNX order: [top, left, bottom, right] (elements). */
  pads: [number, number, number, number];
}

export function convOutSize(s: ConvShape): { Ho: number; Wo: number } {
  return {
    Ho: Math.floor((s.H + s.pads[0] + s.pads[2] - s.kernel) / s.stride) + 1,
    Wo: Math.floor((s.W + s.pads[1] + s.pads[3] - s.kernel) / s.stride) + 1,
  };
}

/** ONNX Conv, NCHW with batch 1: x (1, C, H, W), w (Cout, C, k, k), bias (Cout) -> (1, Cout, Ho, Wo). */
export function conv2dOrt(x: Float32Array, w: Float32Array, bias: Float32Array, s: ConvShape): OrtSpec {
  const { Ho, Wo } = convOutSize(s);
  return single(
    'Conv',
    [
      {
        op: 'Conv',
        inputs: ['x', 'W', 'B'],
        outputs: ['y'],
        attrs: { kernel_shape: attr.ints([s.kernel, s.kernel]), strides: attr.ints([s.stride, s.stride]), pads: attr.ints(s.pads) },
      },
    ],
    [{ name: 'x', type: 'float32', dims: [1, s.C, s.H, s.W], data: x }],
    { name: 'y', dims: [1, s.Cout, Ho, Wo] },
    [
      { name: 'W', type: 'float32', dims: [s.Cout, s.C, s.kernel, s.kernel], data: w },
      { name: 'B', type: 'float32', dims: [s.Cout], data: bias },
    ],
  );
}

/** LayerNormalization over the last axis without affine (scale 1, bias 0): x (rows, D). */
export function layerNormOrt(x: Float32Array, rows: number, D: number, eps: number): OrtSpec {
  return single(
    'LayerNormalization',
    [{ op: 'LayerNormalization', inputs: ['x', 'scale', 'bias'], outputs: ['y'], attrs: { axis: attr.int(-1), epsilon: attr.float(eps) } }],
    [{ name: 'x', type: 'float32', dims: [rows, D], data: x }],
    { name: 'y', dims: [rows, D] },
    [
      { name: 'scale', type: 'float32', dims: [D], data: new Float32Array(D).fill(1) },
      { name: 'bias', type: 'float32', dims: [D], data: new Float32Array(D) },
    ],
  );
}

/** RMSNorm as ORT's SimplifiedLayerNormalization (registered in the ai.onnx domain by ORT): x (rows, D), weight (D). */
export function rmsNormOrt(x: Float32Array, weight: Float32Array, rows: number, D: number, eps: number): OrtSpec {
  return single(
    'SimplifiedLayerNormalization',
    [{ op: 'SimplifiedLayerNormalization', inputs: ['x', 'scale'], outputs: ['y'], attrs: { axis: attr.int(-1), epsilon: attr.float(eps) } }],
    [{ name: 'x', type: 'float32', dims: [rows, D], data: x }],
    { name: 'y', dims: [rows, D] },
    [{ name: 'scale', type: 'float32', dims: [D], data: weight }],
  );
}
