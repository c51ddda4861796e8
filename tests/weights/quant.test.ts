import { describe, expect, it } from 'vitest';
import type { QuantMatrix } from '../../src/engine/formats.ts';
import { f16BitsToF32, f32ToF16Bits } from '../../src/lib/f16.ts';
import { Rng } from '../../src/lib/rng.ts';
import { StudioError } from '../../src/lib/errors.ts';
import { dequantizeBlocks } from '../../src/weights/ggmlDequant.ts';
import { parseGguf } from '../../src/weights/gguf.ts';
import { dequantize, quantizeRtn } from '../../src/weights/quant.ts';
import { parseSafetensors } from '../../src/weights/safetensors.ts';
import { BytesSource, readRange } from '../../src/weights/source.ts';
import { goldenBytes } from './builders.ts';

/** The golden runner's measure: max|ours - ref| / max(1, max|ref|). */
function relErr(ours: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(ours.length).toBe(ref.length);
  let err = 0;
  let mx = 0;
  for (let i = 0; i < ref.length; i++) {
    err = Math.max(err, Math.abs(ours[i] - ref[i]));
    mx = Math.max(mx, Math.abs(ref[i]));
  }
  return Number.isNaN(err) ? Infinity : err / Math.max(1, mx);
}

/** Every value identical (as f32 numbers; +0 and -0 count as equal: (q - 8) * d gives -0 where q * d - 8d gives +0). */
function bitEqual(a: Float32Array, b: Float32Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

async function goldenQuants(): Promise<{ type: string; rows: number; cols: number; bytes: Uint8Array; want: Float32Array }[]> {
  const g = await parseGguf(new BytesSource(goldenBytes('quants.gguf')));
  const e = await parseSafetensors(new BytesSource(goldenBytes('quants_expected.safetensors')));
  const out = [];
  for (const t of g.tensors) {
    const ref = e.tensors.find((x) => x.name === t.name)!;
    const raw = await readRange(ref.source, ref.offset, ref.byteLength);
    out.push({ type: t.dtype, rows: t.shape[0], cols: t.shape[1], bytes: await readRange(t.source, t.offset, t.byteLength), want: new Float32Array(raw.slice().buffer) });
  }
  return out;
}

describe('ggml dequantization vs ggml (golden quants.gguf)', () => {
  it('every type equals ggml to_float (max_err <= 1e-6, in fact bit for bit)', async () => {
    const cases = await goldenQuants();
    expect(cases.map((c) => c.type)).toEqual(['Q4_0', 'Q4_1', 'Q5_0', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K']);
    for (const c of cases) {
      const ours = dequantizeBlocks(c.type, c.bytes);
      expect(relErr(ours, c.want), c.type).toBeLessThanOrEqual(1e-6);
      expect(bitEqual(ours, c.want), c.type).toBe(true);
    }
  });

  it('Q5_1 (no golden file): an independently encoded block decodes to q*d + m', () => {
    const rng = new Rng(51);
    const d = f16BitsToF32(f32ToF16Bits(0.0123));
    const m = f16BitsToF32(f32ToF16Bits(-0.2));
    const codes = Array.from({ length: 32 }, () => rng.int(32));
    const block = new Uint8Array(24);
    const dv = new DataView(block.buffer);
    dv.setUint16(0, f32ToF16Bits(d), true);
    dv.setUint16(2, f32ToF16Bits(m), true);
    let qh = 0;
    for (let j = 0; j < 32; j++) if (codes[j] & 16) qh |= 1 << j;
    dv.setUint32(4, qh >>> 0, true);
    for (let j = 0; j < 16; j++) block[8 + j] = (codes[j] & 15) | ((codes[j + 16] & 15) << 4);
    const want = Float32Array.from(codes, (q) => Math.fround(Math.fround(q * d) + m));
    expect(bitEqual(dequantizeBlocks('Q5_1', block), want)).toBe(true);
  });
});

describe('engine format layout and round-to-nearest quantization', () => {
  it('dequantize reads codes and f16 / f32 params as formats.ts lays them out', () => {
    const params16 = new Uint32Array([(f32ToF16Bits(0.5) | (f32ToF16Bits(-1) << 16)) >>> 0]);
    const q4: QuantMatrix = { type: 'q4', paramType: 'f16', rows: 1, cols: 32, codes: new Uint32Array([0x76543210, 0xfedcba98, 0, 0xffffffff]), params: params16 };
    const v = dequantize(q4);
    expect(Array.from(v.subarray(0, 16))).toEqual(Array.from({ length: 16 }, (_, j) => j * 0.5 - 1));
    expect(v[16]).toBe(-1);
    expect(v[31]).toBe(15 * 0.5 - 1);
    const p32 = new Float32Array([0.25, 3]);
    const q8: QuantMatrix = { type: 'q8', paramType: 'f32', rows: 1, cols: 32, codes: new Uint32Array(8).fill(0x04030201), params: new Uint32Array(p32.buffer) };
    expect(Array.from(dequantize(q8).subarray(0, 4))).toEqual([3.25, 3.5, 3.75, 4]);
  });

  it('reconstructs a block that lies on its own grid exactly, with codes packed low nibble first', () => {
    const vals = Float32Array.from({ length: 64 }, (_, j) => (j % 16) * 0.25 + 1);
    const q = quantizeRtn(vals, 2, 32, 'q4');
    expect(q.paramType).toBe('f16');
    expect(q.codes[0]).toBe(0x76543210);
    expect(q.codes[1]).toBe(0xfedcba98);
    expect(Array.from(dequantize(q))).toEqual(Array.from(vals));
  });

  it('handles constant blocks (scale 0) exactly', () => {
    const vals = new Float32Array(64).fill(0.375);
    vals.fill(-2, 32);
    for (const type of ['q4', 'q8'] as const) expect(Array.from(dequantize(quantizeRtn(vals, 1, 64, type)))).toEqual(Array.from(vals));
  });

  it('seed 99: q4 and q8 errors stay within half a step (plus f16 rounding of scale and min)', () => {
    const rng = new Rng(99);
    const rows = 7;
    const cols = 96;
    const vals = rng.normalArray(rows * cols);
    for (let i = 0; i < vals.length; i += 37) vals[i] *= 20; // outliers widen some blocks
    for (const [type, levels] of [['q4', 15], ['q8', 255]] as const) {
      const back = dequantize(quantizeRtn(vals, rows, cols, type));
      for (let blk = 0; blk < vals.length / 32; blk++) {
        const b = vals.subarray(blk * 32, blk * 32 + 32);
        const lo = Math.min(...b);
        const range = Math.max(...b) - lo;
        const bound = range / (2 * levels) + 2 ** -10 * (Math.abs(lo) + range);
        for (let j = 0; j < 32; j++) expect(Math.abs(back[blk * 32 + j] - b[j])).toBeLessThanOrEqual(bound);
      }
    }
  });

  it('uses f32 params for a block far from zero whose f16 min would cost more than half a step', () => {
    const vals = Float32Array.from({ length: 32 }, (_, j) => 1000.3 + j * 1e-3);
    const q = quantizeRtn(vals, 1, 32, 'q4');
    expect(q.paramType).toBe('f32');
    const back = dequantize(q);
    for (let j = 0; j < 32; j++) expect(Math.abs(back[j] - vals[j])).toBeLessThanOrEqual((0.031 / 15) * 0.5 + 1e-4);
  });

  it('uses f32 params beyond the f16 range and rejects non-finite weights', () => {
    const vals = Float32Array.from({ length: 32 }, (_, j) => (j - 16) * 1e5);
    const q = quantizeRtn(vals, 1, 32, 'q8');
    expect(q.paramType).toBe('f32');
    const back = dequantize(q);
    for (let j = 0; j < 32; j++) expect(Math.abs(back[j] - vals[j])).toBeLessThanOrEqual((31e5 / 255) * 0.5 * 1.0001);
    vals[3] = NaN;
    expect(() => quantizeRtn(vals, 1, 32, 'q4')).toThrow(StudioError);
  });
});
