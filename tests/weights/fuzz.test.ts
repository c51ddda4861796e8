// Seeded fuzzing of the readers: random truncations, byte flips and huge-number pokes of valid small files must end
// in a clean 'bad-model-file' error or a valid parse whose every tensor loads, never a crash, hang or huge allocation.
import { describe, expect, it } from 'vitest';
import { StudioError } from '../../src/lib/errors.ts';
import { Rng } from '../../src/lib/rng.ts';
import { GGML_TYPE_BY_NAME } from '../../src/weights/dtypes.ts';
import type { LoadedTensor } from '../../src/weights/modelFile.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import type { ImportPolicy } from '../../src/weights/policy.ts';
import { DEFAULT_POLICY, KEEP_POLICY, REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { bf16Bytes, buildGguf, buildSafetensors, buildSafetensorsRaw, f16Bytes, f32Bytes, goldenBytes } from './builders.ts';

const POLICIES: ImportPolicy[] = [DEFAULT_POLICY, KEEP_POLICY, REFERENCE_POLICY, { matrix: 'q8', modulation: 'f16', embedding: 'q4' }];

function outBytes(t: LoadedTensor): number {
  if (t.kind === 'quant') return t.q.codes.byteLength + t.q.params.byteLength;
  return t.kind === 'blocks' ? t.bytes.byteLength : t.data.byteLength;
}

/** Opens, detects and loads every tensor; returns 'ok' or 'error'. Anything but a bad-model-file error fails. */
async function exercise(bytes: Uint8Array, rng: Rng): Promise<'ok' | 'error'> {
  try {
    const m = await openModelFile(new BytesSource(bytes));
    m.detect();
    for (const name of m.tensors.keys()) {
      try {
        const t = await m.loadTensor(name, POLICIES[rng.int(POLICIES.length)], { chunkBytes: 64 + rng.int(4096) });
        // Outputs are the only allocations sized from the file: bounded by what its bytes can expand to
        // (4-bit codes to f32 is 8x, plus block params).
        expect(outBytes(t)).toBeLessThanOrEqual(16 * bytes.byteLength + 4096);
      } catch (err) {
        if (!(err instanceof StudioError) || err.code !== 'bad-model-file') throw err;
      }
    }
    return 'ok';
  } catch (err) {
    if (err instanceof StudioError && err.code === 'bad-model-file') return 'error';
    throw new Error(`not a clean error: ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`, { cause: err });
  }
}

function mutate(src: Uint8Array, rng: Rng, hotBytes: number): Uint8Array {
  const kind = rng.int(4);
  if (kind === 0) return src.slice(0, rng.int(src.length)); // truncation
  const out = src.slice();
  const at = (): number => (rng.uniform() < 0.75 ? rng.int(Math.min(hotBytes, out.length)) : rng.int(out.length));
  if (kind === 1) {
    for (let k = 1 + rng.int(4); k > 0; k--) out[at()] ^= 1 << rng.int(8); // bit flips
  } else if (kind === 2) {
    for (let k = 1 + rng.int(3); k > 0; k--) out[at()] = rng.int(256); // byte overwrites
  } else {
    const p = at() & ~7; // a huge or boundary little-endian integer over a header field
    const dv = new DataView(out.buffer);
    const vals = [0xffffffff, 0x7fffffff, 0x80000000, 0, 1, 0x100000];
    if (p + 8 <= out.length) dv.setUint32(p + (rng.int(2) ? 4 : 0), vals[rng.int(vals.length)], true);
  }
  return out;
}

async function fuzz(label: string, seed: number, file: Uint8Array, hotBytes: number, iterations: number): Promise<void> {
  const rng = new Rng(seed);
  expect(await exercise(file, rng), `${label}: the unmutated file must load`).toBe('ok');
  const tally = { ok: 0, error: 0 };
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const t = performance.now();
    tally[await exercise(mutate(file, rng, hotBytes), rng)]++;
    expect(performance.now() - t, `${label} iteration ${i} is too slow`).toBeLessThan(2000);
  }
  expect(tally.error, `${label}: mutations should find errors`).toBeGreaterThan(iterations / 10);
  expect(tally.ok, `${label}: some mutations (data bytes) should still parse`).toBeGreaterThan(0);
  expect(performance.now() - t0).toBeLessThan(20_000);
}

function randomBlocks(type: string, n: number, rng: Rng): Uint8Array {
  const t = GGML_TYPE_BY_NAME.get(type)!;
  const b = new Uint8Array(n * t.typeSize);
  for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
  return b;
}

describe('reader fuzzing', () => {
  it('seed 101: safetensors with F32, F16, BF16, I32 tensors and metadata', async () => {
    const rng = new Rng(1);
    const file = buildSafetensors(
      [
        { name: 'layers.0.attention.to_q.weight', dtype: 'F32', shape: [4, 32], data: f32Bytes(rng.normalArray(128)) },
        { name: 'layers.0.adaLN_modulation.0.weight', dtype: 'F16', shape: [2, 64], data: f16Bytes(rng.normalArray(128)) },
        { name: 'cap_embedder.0.weight', dtype: 'BF16', shape: [8], data: bf16Bytes(rng.normalArray(8)) },
        { name: 'ids', dtype: 'I32', shape: [3], data: new Uint8Array(new Int32Array([1, 2, 3]).buffer) },
      ],
      { source: 'fuzz' },
    );
    await fuzz('safetensors', 101, file, 600, 400);
  });

  it('seed 202: GGUF with metadata arrays and F32, F16, BF16, Q4_0, Q8_0, Q4_K, Q5_K, Q6_K tensors', async () => {
    const rng = new Rng(2);
    const file = buildGguf({
      kv: [
        ['general.architecture', [8, 'lumina2']],
        ['tokens', [9, [8, ['a', 'bc', '<|im_end|>']]]],
        ['scores', [9, [6, [1, 2, 3]]]],
        ['n', [10, 7n]],
      ],
      tensors: [
        { name: 'x_pad_token', type: 0, ne: [32, 1], data: f32Bytes(rng.normalArray(32)) },
        { name: 'layers.0.adaLN_modulation.0.weight', type: 1, ne: [32, 2], data: f16Bytes(rng.normalArray(64)) },
        { name: 'cap_embedder.1.weight', type: 30, ne: [32, 1], data: bf16Bytes(rng.normalArray(32)) },
        { name: 'layers.0.attention.qkv.weight', type: 2, ne: [64, 3], data: randomBlocks('Q4_0', 6, rng) },
        { name: 'layers.0.attention.out.weight', type: 8, ne: [32, 2], data: randomBlocks('Q8_0', 2, rng) },
        { name: 'layers.0.feed_forward.w1.weight', type: 12, ne: [256, 1], data: randomBlocks('Q4_K', 1, rng) },
        { name: 'layers.0.feed_forward.w2.weight', type: 13, ne: [256, 1], data: randomBlocks('Q5_K', 1, rng) },
        { name: 'layers.0.feed_forward.w3.weight', type: 14, ne: [256, 1], data: randomBlocks('Q6_K', 1, rng) },
      ],
    });
    await fuzz('gguf', 202, file, 700, 400);
  });

  it('seed 303: headers of the golden GGUF and safetensors DiT files', async () => {
    // Most mutations land in the header (the first `hotBytes`); fewer iterations, the files are bigger.
    await fuzz('golden gguf', 303, goldenBytes('transformer-Q4_0.gguf'), 6300, 40);
    await fuzz('golden safetensors', 304, goldenBytes('text_encoder.safetensors'), 3700, 40);
  });

  it('files that lie about their sizes (header length, shapes, offsets, counts) are refused before any allocation', async () => {
    const rng = new Rng(5);
    const liars: [string, Uint8Array][] = [
      // safetensors: a tensor whose offsets reach past the file, a shape whose product is not its bytes, a huge shape
      ['offsets past the end', buildSafetensorsRaw('{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,4000000000]}}', [f32Bytes([1, 2, 3, 4])])],
      ['shape vs bytes', buildSafetensorsRaw('{"w":{"dtype":"F32","shape":[5],"data_offsets":[0,16]}}', [f32Bytes([1, 2, 3, 4])])],
      ['huge shape', buildSafetensorsRaw('{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,16]}}', [f32Bytes([1, 2, 3, 4])])],
      ['negative offset', buildSafetensorsRaw('{"w":{"dtype":"F32","shape":[4],"data_offsets":[-16,0]}}', [f32Bytes([1, 2, 3, 4])])],
      // GGUF: a tensor claiming more elements than the file holds
      ['gguf huge ne', buildGguf({ tensors: [{ name: 'w', type: 0, ne: [1 << 30, 1 << 20], data: f32Bytes(rng.normalArray(32)) }] })],
    ];
    // A header length (u64) far beyond the file.
    const longHeader = buildSafetensors([{ name: 'w', dtype: 'F32', shape: [4], data: f32Bytes([1, 2, 3, 4]) }]);
    new DataView(longHeader.buffer).setUint32(0, 0xfffffff0, true);
    liars.push(['header length', longHeader]);
    for (const [label, bytes] of liars) {
      const t = performance.now();
      expect(await exercise(bytes, rng), label).toBe('error');
      expect(performance.now() - t, label).toBeLessThan(2000);
    }
  });
});
