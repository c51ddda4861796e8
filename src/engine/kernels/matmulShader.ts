// The matmul family's shaders (compose.ts), from these parts (WGSL has no generics):
//   bindings      uniform Params, then x, the weight buffers, the epilogue's inputs, y: generated here (the only
//                 TS that knows them)
//   accessors     bias_at / residual_at / gate_mul (linear) or gate_in / up_in (SwiGLU): generated, constants
//                 where the op has no such input, so the compiler folds them
//   format        matmul_f32 | matmul_f16 | matmul_quant, or ggml blocks as stored in GGUF: matmul_ggml_bytes +
//                 matmul_ggml_legacy (q4_0 .. q8_0) | matmul_ggml_k (q2_k .. q6_k); instantiated per weight (WT ->
//                 w0, and w1 for SwiGLU's up weight)
//   set           matmul_linear | matmul_swiglu: vcols(), load_w4, load_w8, store2
//   body          matmul (tiled) | matmul_wide | matmul_matvec | matmul_naive
// Variant key: body, weight format (q4 and q8: 'quant', their bits and param type are override constants), epilogue.
import tiledBody from '../../../shaders/matmul.wgsl?raw';
import f16Format from '../../../shaders/matmul_f16.wgsl?raw';
import f32Format from '../../../shaders/matmul_f32.wgsl?raw';
import ggmlBytes from '../../../shaders/matmul_ggml_bytes.wgsl?raw';
import ggmlK from '../../../shaders/matmul_ggml_k.wgsl?raw';
import ggmlLegacy from '../../../shaders/matmul_ggml_legacy.wgsl?raw';
import linearSet from '../../../shaders/matmul_linear.wgsl?raw';
import matvecBody from '../../../shaders/matmul_matvec.wgsl?raw';
import naiveBody from '../../../shaders/matmul_naive.wgsl?raw';
import quantFormat from '../../../shaders/matmul_quant.wgsl?raw';
import swigluSet from '../../../shaders/matmul_swiglu.wgsl?raw';
import wideBody from '../../../shaders/matmul_wide.wgsl?raw';
import { instantiate, part, type Shader, shader, type ShaderPart } from '../compose.ts';
import { GGML_BLOCKS, isGgmlBlockDType, type DType } from '../formats.ts';
import type { Binding } from '../gpu.ts';
import type { Tensor } from '../tensor.ts';

/** The matmul kernel bodies: matvec (M <= 8), tiled (workgroup-memory tiles of x and W), wide (W in registers). */
export type MatmulKernel = 'matvec' | 'tiled' | 'wide';
export type MatmulBody = MatmulKernel | 'naive';

const BODIES: Record<MatmulBody, ShaderPart> = {
  matvec: part('matmul_matvec', matvecBody),
  tiled: part('matmul', tiledBody),
  wide: part('matmul_wide', wideBody),
  naive: part('matmul_naive', naiveBody),
};

/** What the epilogue reads, as the key names it. A linear op without gate has no rowSel. */
export interface EpilogueKind {
  swiglu: boolean;
  addGate?: boolean; // SwiGLU: (M, ldy) added to the gate accumulator before SiLU (low-rank side products)
  addUp?: boolean; // SwiGLU: (M, ldy) added to the up accumulator
  bias?: boolean;
  gate?: boolean; // (G, ldy)
  rowSel?: boolean; // u32 (M)
  residual?: 'tensor' | 'in-place';
}

/** The epilogue's name in shader keys: 'linear', 'linear+bias+accumulate', 'gated+sel+residual', 'swiglu+addgate'. */
export function epilogueName(e: EpilogueKind): string {
  const words = e.swiglu
    ? ['swiglu', e.addGate && 'addgate', e.addUp && 'addup']
    : [e.gate ? 'gated' : 'linear', e.bias && 'bias', e.rowSel && 'sel', e.residual === 'in-place' ? (e.gate ? 'inplace' : 'accumulate') : e.residual && 'residual'];
  return words.filter(Boolean).join('+');
}

interface Slot {
  name: string;
  type: string;
}

/** Storage slots of a weight named `name` (w0, w1) in the order weightBuffers binds them. */
function weightSlots(dtype: DType, name: string): Slot[] {
  if (dtype === 'f32') return [{ name: `${name}_data`, type: 'array<f32>' }];
  if (dtype === 'f16' || isGgmlBlockDType(dtype)) return [{ name: `${name}_data`, type: 'array<u32>' }];
  return [
    { name: `${name}_codes`, type: 'array<u32>' },
    { name: `${name}_params`, type: 'array<u32>' },
  ];
}

export function weightBuffers(w: Tensor): Binding[] {
  return w.dtype === 'q4' || w.dtype === 'q8' ? [w.data, w.params] : [w.data];
}

/** The epilogue's inputs in binding order (after the weights); absent inputs have no binding. */
export function epilogueInputs<T>(e: { bias?: T; gate?: T; rowSel?: T; residual?: T | 'in-place'; addGate?: T; addUp?: T }): T[] {
  const out: T[] = [];
  for (const t of [e.bias, e.gate, e.rowSel, e.residual, e.addGate, e.addUp]) if (t !== undefined && t !== 'in-place') out.push(t as T);
  return out;
}

function epilogueSlots(e: EpilogueKind): Slot[] {
  const slot = (on: unknown, name: string, type = 'array<f32>') => (on ? [{ name, type }] : []);
  return [
    ...slot(e.bias, 'bias'),
    ...slot(e.gate, 'gate'),
    ...slot(e.rowSel, 'rowsel', 'array<u32>'),
    ...slot(e.residual === 'tensor', 'res'),
    ...slot(e.swiglu && e.addGate, 'addg'),
    ...slot(e.swiglu && e.addUp, 'addu'),
  ];
}

function accessors(e: EpilogueKind): string {
  if (e.swiglu) {
    // Without an addend the accessor returns v unchanged, so the plain SwiGLU source computes exactly what it did.
    return [
      `fn gate_in(i: u32, v: f32) -> f32 { return ${e.addGate ? 'v + addg[i]' : 'v'}; }`,
      `fn up_in(i: u32, v: f32) -> f32 { return ${e.addUp ? 'v + addu[i]' : 'v'}; }`,
    ].join('\n');
  }
  const row = e.rowSel ? 'min(rowsel[m], p.G - 1u)' : '0u';
  // tanh(|g| >= 10) is 1.0 in f32; the clamp keeps backends whose tanh overflows to NaN on large inputs exact.
  const gateMul = e.gate ? `tanh(clamp(gate[${row} * p.ldy + col], -10.0, 10.0))` : '1.0';
  const residual = e.residual === 'in-place' ? 'y[i]' : e.residual ? 'res[i]' : '0.0';
  return [
    `fn bias_at(col: u32) -> f32 { return ${e.bias ? 'bias[col]' : '0.0'}; }`,
    `fn residual_at(i: u32) -> f32 { return ${residual}; }`,
    `fn gate_mul(m: u32, col: u32) -> f32 { return ${gateMul}; }`,
  ].join('\n');
}

/** Declarations: uniform Params at binding 0, then storage in `slots` order, then y read_write. */
function bindings(slots: Slot[], paramsStruct: string): ShaderPart {
  const lines = [paramsStruct, '@group(0) @binding(0) var<uniform> p: Params;'];
  slots.forEach((d, i) => lines.push(`@group(0) @binding(${i + 1}) var<storage, read> ${d.name}: ${d.type};`));
  lines.push(`@group(0) @binding(${slots.length + 1}) var<storage, read_write> y: array<f32>;`);
  return part('bindings', lines.join('\n'));
}

/** The format template (WT_at / WT_chunk) for `dtype`, instantiated for weight `name`. */
function formatParts(dtype: DType, name: string): ShaderPart[] {
  if (isGgmlBlockDType(dtype)) {
    // The family's decoders, and WT_chunk / WT_at for this type (k a multiple of 8 always, as blocks are 32-aligned).
    const family = GGML_BLOCKS[dtype].blockSize === 32 ? part('matmul_ggml_legacy', ggmlLegacy) : part('matmul_ggml_k', ggmlK);
    const pick = part(
      `matmul_ggml_${dtype}`,
      [
        `fn WT_chunk(n: u32, k: u32) -> mat2x4<f32> { return WT_${dtype}_chunk(n, k); }`,
        'fn WT_at(n: u32, k: u32) -> f32 { var c = WT_chunk(n, k & ~7u); return c[(k >> 2u) & 1u][k & 3u]; }',
      ].join('\n'),
    );
    return [part('matmul_ggml_bytes', ggmlBytes), family, pick].map((p) => instantiate(p, name));
  }
  const file = dtype === 'f32' ? part('matmul_f32', f32Format) : dtype === 'f16' ? part('matmul_f16', f16Format) : part('matmul_quant', quantFormat);
  return [instantiate(file, name)];
}

/** Overrides the quant template reads (declared by every kernel body). */
export function formatConstants(w: Tensor): Record<string, number> {
  if (w.dtype !== 'q4' && w.dtype !== 'q8') return {};
  return { QBITS: w.dtype === 'q4' ? 4 : 8, QPARAM_F32: w.paramType === 'f32' ? 1 : 0 };
}

// Field order = WGSL struct order (params.ts): rows, weight rows of this dispatch, K, y row stride (elements),
// first y column of this dispatch, workgroups per grid row, gate rows.
const PARAMS = 'struct Params { M: u32, N: u32, K: u32, ldy: u32, col0: u32, gx: u32, G: u32 }';
const NAIVE_PARAMS = 'struct Params { M: u32, N: u32, K: u32, gx: u32 }';

/** The weight-format choice of a key: q4 and q8 (either param type) share matmul_quant, set apart by overrides. */
export function formatName(dtype: DType): string {
  if (dtype === 'u32') throw new RangeError('matmul: a u32 tensor is not a weight');
  return dtype === 'q4' || dtype === 'q8' ? 'quant' : dtype;
}

/** The shader of one matmul body for weights in `dtype` with epilogue `e`. */
export function matmulShader(body: MatmulKernel, dtype: DType, e: EpilogueKind): Shader {
  return shader('matmul', { body, w: formatName(dtype), epilogue: epilogueName(e) }, () => {
    const slots = [{ name: 'x', type: 'array<f32>' }, ...weightSlots(dtype, 'w0'), ...(e.swiglu ? weightSlots(dtype, 'w1') : []), ...epilogueSlots(e)];
    return [
      bindings(slots, PARAMS),
      part('accessors', accessors(e)),
      ...formatParts(dtype, 'w0'),
      ...(e.swiglu ? formatParts(dtype, 'w1') : []),
      e.swiglu ? part('matmul_swiglu', swigluSet) : part('matmul_linear', linearSet),
      BODIES[body],
    ];
  });
}

/** The naive baseline's shader (bench): x, one weight, y. */
export function matmulNaiveShader(dtype: DType): Shader {
  return shader('matmul', { body: 'naive', w: formatName(dtype) }, () => [
    bindings([{ name: 'x', type: 'array<f32>' }, ...weightSlots(dtype, 'w0')], NAIVE_PARAMS),
    ...formatParts(dtype, 'w0'),
    BODIES.naive,
  ]);
}
