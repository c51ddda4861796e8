// CPU dequantization of ggml block formats: the reference every conversion is tested against, and the path for
// loading a quantized tensor as f32. Block layouts are ggml's (ggml-common.h); arithmetic follows ggml's
// dequantize_row_* in f32 (Math.fround at each step ggml rounds), so results equal ggml's to the bit.
//
//   Q4_0  (32, 18 B): d f16, qs[16]            x = (q - 8) d          (element j: low nibble of qs[j], j+16: high)
//   Q4_1  (32, 20 B): d, m f16, qs[16]         x = q d + m
//   Q5_0  (32, 22 B): d f16, qh u32, qs[16]    x = (q | h << 4 - 16) d
//   Q5_1  (32, 24 B): d, m f16, qh u32, qs[16] x = (q | h << 4) d + m
//   Q8_0  (32, 34 B): d f16, qs[32] i8         x = q d
//   Q2_K (256, 84 B): scales[16], qs[64], d, dmin           16 sub-blocks of 16: x = d (sc & 15) q - dmin (sc >> 4)
//   Q3_K (256,110 B): hmask[32], qs[64], scales[12], d      16 sub-blocks of 16, 6-bit signed scales
//   Q4_K (256,144 B): d, dmin, scales[12], qs[128]          8 sub-blocks of 32, 6-bit scale and min
//   Q5_K (256,176 B): d, dmin, scales[12], qh[32], qs[128]  as Q4_K with a fifth bit
//   Q6_K (256,210 B): ql[128], qh[64], scales[16] i8, d     16 sub-blocks of 16: x = d sc (q - 32)
import { f16BitsToF32 } from '../lib/f16.ts';
import { GGML_TYPE_BY_NAME } from './dtypes.ts';
import { badFile } from './source.ts';

const fr = Math.fround;

/** ggml's get_scale_min_k4: the 6-bit scale and min of sub-block j (0..7) from the 12 packed bytes at `p`. */
export function scaleMinK4(b: Uint8Array, p: number, j: number): [number, number] {
  if (j < 4) return [b[p + j] & 63, b[p + j + 4] & 63];
  return [(b[p + j + 4] & 0xf) | ((b[p + j - 4] >> 6) << 4), (b[p + j + 4] >> 4) | ((b[p + j] >> 6) << 4)];
}

/** The little-endian IEEE half at byte p of b, as a float. */
export function h16(b: Uint8Array, p: number): number {
  return f16BitsToF32(b[p] | (b[p + 1] << 8));
}

function q4_0(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  for (let j = 0; j < 16; j++) {
    const q = b[p + 2 + j];
    y[o + j] = fr(((q & 0xf) - 8) * d);
    y[o + j + 16] = fr(((q >> 4) - 8) * d);
  }
}

function q4_1(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  const m = h16(b, p + 2);
  for (let j = 0; j < 16; j++) {
    const q = b[p + 4 + j];
    y[o + j] = fr(fr((q & 0xf) * d) + m);
    y[o + j + 16] = fr(fr((q >> 4) * d) + m);
  }
}

function q5_0(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  const qh = (b[p + 2] | (b[p + 3] << 8) | (b[p + 4] << 16) | (b[p + 5] << 24)) >>> 0;
  for (let j = 0; j < 16; j++) {
    const q = b[p + 6 + j];
    const h0 = ((qh >>> j) << 4) & 0x10;
    const h1 = (qh >>> (j + 12)) & 0x10;
    y[o + j] = fr((((q & 0xf) | h0) - 16) * d);
    y[o + j + 16] = fr((((q >> 4) | h1) - 16) * d);
  }
}

function q5_1(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  const m = h16(b, p + 2);
  const qh = (b[p + 4] | (b[p + 5] << 8) | (b[p + 6] << 16) | (b[p + 7] << 24)) >>> 0;
  for (let j = 0; j < 16; j++) {
    const q = b[p + 8 + j];
    const h0 = ((qh >>> j) << 4) & 0x10;
    const h1 = (qh >>> (j + 12)) & 0x10;
    y[o + j] = fr(fr(((q & 0xf) | h0) * d) + m);
    y[o + j + 16] = fr(fr(((q >> 4) | h1) * d) + m);
  }
}

function q8_0(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  for (let j = 0; j < 32; j++) y[o + j] = fr(((b[p + 2 + j] << 24) >> 24) * d);
}

function q2_k(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p + 80);
  const dmin = h16(b, p + 82);
  let is = 0;
  for (let n = 0; n < 256; n += 128) {
    const q = p + 16 + n / 4; // 32 bytes of 2-bit codes per 128 elements
    for (let shift = 0; shift < 8; shift += 2) {
      for (let half = 0; half < 2; half++) {
        const sc = b[p + is++];
        const dl = fr(d * (sc & 0xf));
        const ml = fr(dmin * (sc >> 4));
        for (let l = 0; l < 16; l++) y[o++] = fr(fr(dl * ((b[q + half * 16 + l] >> shift) & 3)) - ml);
      }
    }
  }
}

/** Q3_K's 16 six-bit scales from 12 packed bytes (ggml's kmask shuffle), as signed values minus 32. */
function q3kScales(b: Uint8Array, p: number): Int8Array {
  const a = [0, 1, 2].map((i) => (b[p + 4 * i] | (b[p + 4 * i + 1] << 8) | (b[p + 4 * i + 2] << 16) | (b[p + 4 * i + 3] << 24)) >>> 0);
  const k1 = 0x03030303;
  const k2 = 0x0f0f0f0f;
  const tmp = a[2];
  const aux = new Uint32Array([
    (a[0] & k2) | (((tmp >>> 0) & k1) << 4),
    (a[1] & k2) | (((tmp >>> 2) & k1) << 4),
    ((a[0] >>> 4) & k2) | (((tmp >>> 4) & k1) << 4),
    ((a[1] >>> 4) & k2) | (((tmp >>> 6) & k1) << 4),
  ]);
  return new Int8Array(aux.buffer);
}

function q3_k(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p + 108);
  const scales = q3kScales(b, p + 96);
  let is = 0;
  let m = 1;
  for (let n = 0; n < 256; n += 128) {
    const q = p + 32 + n / 4;
    for (let shift = 0; shift < 8; shift += 2) {
      for (let half = 0; half < 2; half++) {
        const dl = fr(d * (scales[is++] - 32));
        for (let l = 0; l < 16; l++) {
          const i = half * 16 + l;
          const v = ((b[q + i] >> shift) & 3) - (b[p + i] & m ? 0 : 4);
          y[o++] = fr(dl * v);
        }
      }
      m <<= 1;
    }
  }
}

function q4_k(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  const dmin = h16(b, p + 2);
  for (let j = 0; j < 4; j++) {
    const q = p + 16 + j * 32;
    const [s1, m1] = scaleMinK4(b, p + 4, 2 * j);
    const [s2, m2] = scaleMinK4(b, p + 4, 2 * j + 1);
    const d1 = fr(d * s1), n1 = fr(dmin * m1), d2 = fr(d * s2), n2 = fr(dmin * m2);
    for (let l = 0; l < 32; l++) y[o + l] = fr(fr(d1 * (b[q + l] & 0xf)) - n1);
    for (let l = 0; l < 32; l++) y[o + 32 + l] = fr(fr(d2 * (b[q + l] >> 4)) - n2);
    o += 64;
  }
}

function q5_k(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p);
  const dmin = h16(b, p + 2);
  const qh = p + 16;
  for (let j = 0; j < 4; j++) {
    const ql = p + 48 + j * 32;
    const u1 = 1 << (2 * j);
    const u2 = 2 << (2 * j);
    const [s1, m1] = scaleMinK4(b, p + 4, 2 * j);
    const [s2, m2] = scaleMinK4(b, p + 4, 2 * j + 1);
    const d1 = fr(d * s1), n1 = fr(dmin * m1), d2 = fr(d * s2), n2 = fr(dmin * m2);
    for (let l = 0; l < 32; l++) y[o + l] = fr(fr(d1 * ((b[ql + l] & 0xf) + (b[qh + l] & u1 ? 16 : 0))) - n1);
    for (let l = 0; l < 32; l++) y[o + 32 + l] = fr(fr(d2 * ((b[ql + l] >> 4) + (b[qh + l] & u2 ? 16 : 0))) - n2);
    o += 64;
  }
}

/** Q6_K's 6-bit code (0..63, before the -32) of element e (0..255) of the block at p. */
export function q6kCode(b: Uint8Array, p: number, e: number): number {
  const n = e >> 7; // which 128-element half
  const r = e & 127;
  const quarter = r >> 5; // 0..3: (ql low, ql+32 low, ql high, ql+32 high)
  const l = r & 31;
  const ql = b[p + n * 64 + l + (quarter & 1) * 32];
  const low = quarter < 2 ? ql & 0xf : ql >> 4;
  const high = (b[p + 128 + n * 32 + l] >> (2 * quarter)) & 3;
  return low | (high << 4);
}

/** Q6_K's signed scale of the 16-element sub-block holding element e. */
export function q6kScale(b: Uint8Array, p: number, e: number): number {
  const n = e >> 7;
  const r = e & 127;
  const is = (r & 31) >> 4; // ggml: is = l / 16
  return (b[p + 192 + n * 8 + is + 2 * (r >> 5)] << 24) >> 24;
}

function q6_k(b: Uint8Array, p: number, y: Float32Array, o: number): void {
  const d = h16(b, p + 208);
  for (let e = 0; e < 256; e++) y[o + e] = fr(fr(d * q6kScale(b, p, e)) * (q6kCode(b, p, e) - 32));
}

const KERNELS: Record<string, (b: Uint8Array, p: number, y: Float32Array, o: number) => void> = {
  Q4_0: q4_0, Q4_1: q4_1, Q5_0: q5_0, Q5_1: q5_1, Q8_0: q8_0, Q2_K: q2_k, Q3_K: q3_k, Q4_K: q4_k, Q5_K: q5_k, Q6_K: q6_k,
};

/** Dequantizes whole blocks of `type` from `bytes` into `out` at `outOffset` (elements). */
export function dequantizeBlocksInto(type: string, bytes: Uint8Array, out: Float32Array, outOffset: number): void {
  const kernel = KERNELS[type];
  const t = GGML_TYPE_BY_NAME.get(type);
  if (!kernel || !t) throw badFile(`unsupported quantization type ${type}`);
  if (bytes.byteLength % t.typeSize !== 0) throw badFile(`${type} data of ${bytes.byteLength} bytes is not whole blocks`);
  const blocks = bytes.byteLength / t.typeSize;
  for (let i = 0; i < blocks; i++) kernel(bytes, i * t.typeSize, out, outOffset + i * t.blockSize);
}

export function dequantizeBlocks(type: string, bytes: Uint8Array): Float32Array {
  const t = GGML_TYPE_BY_NAME.get(type);
  if (!t) throw badFile(`unknown quantization type ${type}`);
  const out = new Float32Array((bytes.byteLength / t.typeSize) * t.blockSize);
  dequantizeBlocksInto(type, bytes, out, 0);
  return out;
}
