// GGUF K-quant tensors on the load path: matrices load as their stored blocks (no CPU conversion), 'f32' / 'f16'
// policies still dequantize, and Qwen3 token rows read from a K-quant table (weights/embeddingRows.ts) are ggml's
// exact values.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/lib/rng.ts';
import { GGML_TYPE_BY_NAME } from '../../src/weights/dtypes.ts';
import { embeddingRows } from '../../src/weights/embeddingRows.ts';
import { dequantizeBlocks } from '../../src/weights/ggmlDequant.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { DEFAULT_POLICY, KEEP_POLICY, REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { buildGguf } from '../weights/builders.ts';

/** Random blocks with finite f16 scales at the given byte offsets of each block. */
function blocks(rng: Rng, type: string, n: number, halves: number[]): Uint8Array {
  const t = GGML_TYPE_BY_NAME.get(type)!;
  const b = new Uint8Array(n * t.typeSize);
  for (let i = 0; i < b.length; i++) b[i] = rng.int(256);
  for (let k = 0; k < n; k++) for (const at of halves) b[k * t.typeSize + at + 1] = 0x1c + rng.int(4); // positive halves in [2^-8, 2^-7)
  return b;
}

describe('GGUF K-quant tensors on the load path, seed=61', () => {
  it('a Q4_K matrix loads as stored blocks; a Q6_K token table gives exact ggml rows through embeddingRows', async () => {
    const rng = new Rng(61);
    const [vocab, hidden, out] = [7, 512, 3];
    const table = blocks(rng, 'Q6_K', vocab * 2, [208]); // (vocab, hidden)
    const q = blocks(rng, 'Q4_K', out * 2, [0, 2]); // (out, hidden)
    const file = buildGguf({
      kv: [['general.architecture', [8, 'qwen3']]],
      tensors: [
        { name: 'token_embd.weight', type: 14, ne: [hidden, vocab], data: table },
        { name: 'blk.0.attn_q.weight', type: 12, ne: [hidden, out], data: q },
      ],
    });
    const m = await openModelFile(new BytesSource(file));
    expect(m.network).toBe('qwen3');
    for (const policy of [DEFAULT_POLICY, KEEP_POLICY, { ...DEFAULT_POLICY, matrix: 'q8' as const }]) {
      const t = await m.loadTensor('model.layers.0.self_attn.q_proj.weight', policy);
      expect(t.kind === 'blocks' && [t.dtype, t.shape, Array.from(t.bytes)]).toEqual(['q4_k', [out, hidden], Array.from(q)]);
    }
    const ref = await m.loadTensor('model.layers.0.self_attn.q_proj.weight', REFERENCE_POLICY);
    expect(ref.kind === 'f32' && Array.from(ref.data)).toEqual(Array.from(dequantizeBlocks('Q4_K', q)));
    expect((await m.loadTensor('model.layers.0.self_attn.q_proj.weight', { ...DEFAULT_POLICY, matrix: 'f16' })).kind).toBe('f16');

    const lookup = embeddingRows(m.tensors.get('model.embed_tokens.weight')!);
    const ids = Int32Array.from([3, 0, 6, 3]);
    const rows = await lookup(ids); // (4, hidden)
    const all = dequantizeBlocks('Q6_K', table); // (vocab, hidden)
    Array.from(ids).forEach((id, i) => expect(Array.from(rows.subarray(i * hidden, (i + 1) * hidden)), `token ${id}`).toEqual(Array.from(all.subarray(id * hidden, (id + 1) * hidden))));
    await expect(lookup(Int32Array.from([vocab]))).rejects.toThrow(RangeError);
  });
});
