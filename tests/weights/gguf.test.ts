import { describe, expect, it } from 'vitest';
import { describeGgufValue, parseGguf } from '../../src/weights/gguf.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { badFileMessage, buildGguf, f16Bytes, f32Bytes, goldenBytes, setU64 } from './builders.ts';

const src = (b: Uint8Array): BytesSource => new BytesSource(b);

/** One F32 tensor 'w' of ne [4, 2] and no metadata: tensor info starts at byte 24. */
function oneTensor(version = 3): Uint8Array {
  return buildGguf({ version, tensors: [{ name: 'w', type: 0, ne: [4, 2], data: f32Bytes([0, 1, 2, 3, 4, 5, 6, 7]) }] });
}
const INFO = 24; // name length u64 at 24, name at 32, n_dims at 33, ne at 37 and 45, type at 53, offset at 57

describe('GGUF reader', () => {
  it('reads v2 and v3 headers, every metadata type, and PyTorch-order shapes', async () => {
    for (const version of [2, 3]) {
      const bytes = buildGguf({
        version,
        kv: [
          ['general.architecture', [8, 'lumina2']],
          ['u8', [0, 200]], ['i8', [1, -5]], ['u16', [2, 60000]], ['i16', [3, -300]], ['u32', [4, 4000000000]],
          ['i32', [5, -2000000000]], ['f32', [6, 1.5]], ['bool', [7, true]], ['u64', [10, 2n ** 60n]], ['i64', [11, -42n]],
          ['f64', [12, Math.PI]], ['utf8', [8, 'héllo ✓']],
          ['tokens', [9, [8, ['<|im_start|>', 'a', '']]]],
          ['scores', [9, [6, [0.5, -1]]]],
          ['nested', [9, [9, [[4, [1, 2]], [4, []]]]]],
        ],
        tensors: [
          { name: 'mat', type: 0, ne: [3, 2], data: f32Bytes([1, 2, 3, 4, 5, 6]) },
          { name: 'half', type: 1, ne: [5], data: f16Bytes([1, 2, 3, 4, -0.5]) },
        ],
      });
      const g = await parseGguf(src(bytes));
      expect(g.version).toBe(version);
      const m = g.metadata;
      expect([m.get('u8'), m.get('i8'), m.get('u16'), m.get('i16'), m.get('u32'), m.get('i32'), m.get('f32'), m.get('bool')]).toEqual([200, -5, 60000, -300, 4000000000, -2000000000, 1.5, true]);
      expect(m.get('u64')).toBe(2n ** 60n); // beyond 2^53 stays a bigint
      expect(m.get('i64')).toBe(-42);
      expect(m.get('f64')).toBe(Math.PI);
      expect(m.get('utf8')).toBe('héllo ✓');
      expect(m.get('tokens')).toEqual(['<|im_start|>', 'a', '']);
      expect(Array.from(m.get('scores') as Float32Array)).toEqual([0.5, -1]);
      const nested = m.get('nested') as Uint32Array[];
      expect(nested.map((a) => Array.from(a))).toEqual([[1, 2], []]);
      expect(describeGgufValue(m.get('tokens')!)).toBe('[3 items: "<|im_start|>", "a", ""]');
      expect(g.tensors.map((t) => [t.name, t.dtype, t.shape])).toEqual([['mat', 'F32', [2, 3]], ['half', 'F16', [5]]]);
      expect(g.dataOffset % 32).toBe(0);
      expect(g.tensors[1].offset).toBe(g.dataOffset + 32);
      const mf = await openModelFile(src(bytes));
      expect(Array.from(((await mf.loadTensor('mat', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(Array.from(((await mf.loadTensor('half', REFERENCE_POLICY)) as { data: Float32Array }).data)).toEqual([1, 2, 3, 4, -0.5]);
    }
  });

  it('honours general.alignment', async () => {
    const bytes = buildGguf({
      alignment: 64,
      tensors: [
        { name: 'a', type: 0, ne: [3], data: f32Bytes([1, 2, 3]) },
        { name: 'b', type: 0, ne: [2], data: f32Bytes([4, 5]) },
      ],
    });
    const g = await parseGguf(src(bytes));
    expect(g.alignment).toBe(64);
    expect(g.dataOffset % 64).toBe(0);
    expect(g.tensors[1].offset - g.dataOffset).toBe(64);
    const mf = await openModelFile(src(bytes));
    expect(Array.from(((await mf.loadTensor('b')) as { data: Float32Array }).data)).toEqual([4, 5]);
    expect(await badFileMessage(parseGguf(src(buildGguf({ alignment: 48, tensors: [] }))))).toMatch(/power of two/);
  });

  it('parses a header larger than the first read (re-reads a longer prefix)', async () => {
    const words = Array.from({ length: 400_000 }, (_, i) => i); // 1.6 MB of metadata
    const bytes = buildGguf({ kv: [['big', [9, [4, words]]]], tensors: [{ name: 't', type: 0, ne: [1], data: f32Bytes([9]) }] });
    const g = await parseGguf(src(bytes));
    expect((g.metadata.get('big') as Uint32Array)[399_999]).toBe(399_999);
    expect(g.tensors[0].shape).toEqual([1]);
  });

  it('reads the golden Q4_0 / Q8_0 DiT files and the quant file', async () => {
    const g = await parseGguf(src(goldenBytes('transformer-Q4_0.gguf')));
    expect(g.metadata.get('general.architecture')).toBe('lumina2');
    expect(g.tensors.length).toBe(89);
    const qkv = g.tensors.find((t) => t.name === 'layers.0.attention.qkv.weight')!;
    expect([qkv.dtype, qkv.shape, qkv.byteLength]).toEqual(['Q4_0', [288, 96], 288 * 3 * 18]);
    const q8 = await parseGguf(src(goldenBytes('transformer-Q8_0.gguf')));
    expect(new Set(q8.tensors.map((t) => t.dtype))).toEqual(new Set(['F32', 'BF16', 'Q8_0']));
    const q = await parseGguf(src(goldenBytes('quants.gguf')));
    expect(q.tensors.map((t) => t.dtype)).toEqual(['Q4_0', 'Q4_1', 'Q5_0', 'Q8_0', 'Q2_K', 'Q3_K', 'Q4_K', 'Q5_K', 'Q6_K']);
  });

  const hostile: [string, () => Uint8Array, RegExp][] = [
    ['bad magic', () => { const b = oneTensor(); b[0] = 0x46; return b; }, /not a GGUF file/],
    ['version 1', () => oneTensor(1), /version 1/],
    ['big-endian', () => { const b = oneTensor(); new DataView(b.buffer).setUint32(4, 3, false); return b; }, /big-endian/],
    ['unknown version', () => oneTensor(7), /unknown GGUF version 7/],
    ['absurd tensor count', () => setU64(oneTensor(), 8, 1n << 62n), /absurd|larger than the file/],
    ['tensor count past the file', () => setU64(oneTensor(), 8, 1000n), /larger than the file/],
    ['absurd metadata count', () => setU64(oneTensor(), 16, 1n << 40n), /larger than the file/],
    ['absurd name length', () => setU64(oneTensor(), INFO, 1n << 50n), /past the end/],
    ['too many dims', () => { const b = oneTensor(); new DataView(b.buffer).setUint32(33, 9, true); return b; }, /9 dimensions/],
    ['huge dims', () => setU64(setU64(oneTensor(), 37, 1n << 40n), 45, 1n << 40n), /past the end of the file/],
    ['unknown ggml type', () => { const b = oneTensor(); new DataView(b.buffer).setUint32(53, 4, true); return b; }, /unknown ggml type 4/],
    ['unaligned offset', () => setU64(oneTensor(), 57, 4n), /not aligned/],
    ['offset past the end', () => setU64(oneTensor(), 57, 1024n), /past the end/],
    ['truncated data', () => oneTensor().subarray(0, 70), /past the end/],
    ['truncated header', () => oneTensor().subarray(0, 30), /larger than the file|past the end/],
    ['block-size mismatch', () => buildGguf({ tensors: [{ name: 'q', type: 2, ne: [16, 1], data: new Uint8Array(18) }] }), /multiple of the Q4_0 block/],
    // two 1-D infos of 33 bytes each from byte 24: the second one's offset field is at 24 + 33 + 25 = 82
    ['overlap', () => setU64(buildGguf({ tensors: [{ name: 'a', type: 0, ne: [16], data: new Uint8Array(64) }, { name: 'b', type: 0, ne: [8], data: new Uint8Array(32) }] }), 82, 32n), /overlap/],
    ['duplicate key', () => buildGguf({ kv: [['k', [4, 1]], ['k', [4, 2]]], tensors: [] }), /appears twice/],
    ['bad bool', () => { const b = buildGguf({ kv: [['k', [7, true]]], tensors: [] }); b[24 + 8 + 1 + 4] = 7; return b; }, /bool value 7/],
    ['unknown value type', () => { const b = buildGguf({ kv: [['k', [4, 1]]], tensors: [] }); new DataView(b.buffer).setUint32(24 + 9, 99, true); return b; }, /unknown value type 99/],
    ['bad alignment type', () => buildGguf({ kv: [['general.alignment', [8, '32']]], tensors: [] }), /power of two/],
  ];
  for (const [label, make, re] of hostile) {
    it(`rejects: ${label}`, async () => {
      const t0 = performance.now();
      expect(await badFileMessage(parseGguf(src(make())))).toMatch(re);
      expect(performance.now() - t0).toBeLessThan(500);
    });
  }

  it('rejects an absurd array length without allocating it', async () => {
    const b = buildGguf({ kv: [['a', [9, [4, [1]]]]], tensors: [] });
    // key 'a' (8 + 1 bytes) at 24, type at 33, array elem type at 37, length at 41
    expect(await badFileMessage(parseGguf(src(setU64(b, 41, 1n << 52n))))).toMatch(/array of \d+ elements runs past/);
    expect(await badFileMessage(parseGguf(src(setU64(b, 41, 1n << 62n))))).toMatch(/absurd/);
  });
});
