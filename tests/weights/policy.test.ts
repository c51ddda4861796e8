import { describe, expect, it } from 'vitest';
import { f16BitsToF32 } from '../../src/lib/f16.ts';
import { Rng } from '../../src/lib/rng.ts';
import type { LoadedTensor, ModelFile } from '../../src/weights/modelFile.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import type { ImportPolicy } from '../../src/weights/policy.ts';
import { DEFAULT_POLICY, KEEP_POLICY, REFERENCE_POLICY, tensorRole } from '../../src/weights/policy.ts';
import { dequantizeBlocks } from '../../src/weights/ggmlDequant.ts';
import { dequantize } from '../../src/weights/quant.ts';
import { BytesSource } from '../../src/weights/source.ts';
import { bf16Bytes, buildSafetensors, f16Bytes, goldenBytes } from './builders.ts';

const open = (b: Uint8Array): Promise<ModelFile> => openModelFile(new BytesSource(b));

/** Same numbers (+0 and -0 equal: (q - 8) * d and q * d - 8d differ only in the sign of zero). */
function expectSame(a: Float32Array, b: Float32Array, label = ''): void {
  expect(a.length, label).toBe(b.length);
  const bad = a.findIndex((v, i) => v !== b[i]);
  expect(bad, `${label}: first difference at ${bad}: ${a[bad]} vs ${b[bad]}`).toBe(-1);
}

function values(t: LoadedTensor): Float32Array {
  if (t.kind === 'f32') return t.data;
  if (t.kind === 'quant') return dequantize(t.q);
  if (t.kind === 'blocks') return dequantizeBlocks(t.dtype.toUpperCase(), t.bytes);
  if (t.kind === 'f16') return Float32Array.from(t.data, f16BitsToF32);
  throw new Error(t.kind);
}

describe('tensor roles', () => {
  it('classifies the DiT, Qwen3 and VAE tensors as the policy header says', () => {
    expect(tensorRole('dit', 'layers.3.attention.to_q.weight')).toBe('matrix');
    expect(tensorRole('dit', 'context_refiner.1.feed_forward.w2.weight')).toBe('matrix');
    expect(tensorRole('dit', 'siglip_refiner.0.attention.to_out.0.weight')).toBe('matrix');
    expect(tensorRole('dit', 'noise_refiner.0.adaLN_modulation.0.weight')).toBe('modulation');
    for (const n of ['layers.0.adaLN_modulation.0.bias', 'layers.0.attention.norm_q.weight', 'all_x_embedder.2-1.weight', 't_embedder.mlp.0.weight', 'cap_embedder.1.weight', 'all_final_layer.2-1.linear.weight', 'all_final_layer.2-1.adaLN_modulation.1.weight', 'x_pad_token', 'siglip_embedder.1.weight'])
      expect(tensorRole('dit', n), n).toBe('precise');
    expect(tensorRole('qwen3', 'model.layers.0.mlp.down_proj.weight')).toBe('matrix');
    expect(tensorRole('qwen3', 'model.embed_tokens.weight')).toBe('embedding');
    expect(tensorRole('qwen3', 'model.layers.0.self_attn.q_norm.weight')).toBe('precise');
    expect(tensorRole('vae', 'decoder.mid_block.attentions.0.to_q.weight')).toBe('precise');
  });
});

describe('loadTensor under each policy', () => {
  it('default policy on the diffusers DiT: q4 matrices, q8 modulation, f32 for the rest', async () => {
    const m = await open(goldenBytes('transformer.safetensors'));
    const q = await m.loadTensor('layers.0.feed_forward.w1.weight');
    expect(q.kind === 'quant' && [q.q.type, q.q.paramType, q.q.rows, q.q.cols]).toEqual(['q4', 'f16', 256, 96]);
    const mod = await m.loadTensor('layers.0.adaLN_modulation.0.weight');
    expect(mod.kind === 'quant' && mod.q.type).toBe('q8');
    for (const n of ['all_x_embedder.2-1.weight', 'layers.0.attention_norm1.weight', 'x_pad_token', 't_embedder.mlp.0.weight'])
      expect((await m.loadTensor(n)).kind, n).toBe('f32');
    const ref = values(await m.loadTensor('layers.0.feed_forward.w1.weight', REFERENCE_POLICY));
    const back = values(q);
    let err = 0;
    for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(ref[i] - back[i]));
    expect(err).toBeGreaterThan(0);
    expect(err).toBeLessThan(0.1 * Math.max(...ref.map(Math.abs)));
  });

  it('GGUF Q4_0 matrices load as their stored blocks (fused qkv rows too); Q8_0 stays q8_0 under a q4 policy', async () => {
    const bytes = goldenBytes('transformer-Q4_0.gguf');
    const g4 = await open(bytes);
    for (const n of ['layers.0.attention.to_k.weight', 'layers.1.feed_forward.w2.weight']) {
      const t = await g4.loadTensor(n);
      expect(t.kind === 'blocks' && [t.dtype, t.shape]).toEqual(['q4_0', g4.tensors.get(n)!.shape]);
      const info = g4.tensors.get(n)!;
      if (t.kind === 'blocks') expect(Array.from(t.bytes)).toEqual(Array.from(bytes.subarray(info.offset, info.offset + info.byteLength)));
      expectSame(values(t), values(await g4.loadTensor(n, REFERENCE_POLICY)), n);
    }
    // adaLN_modulation.0 is stored F16 in this file: 'keep' keeps f16 bits, 'f32' widens exactly
    const kept = await g4.loadTensor('layers.0.adaLN_modulation.0.weight', KEEP_POLICY);
    expect(kept.kind).toBe('f16');
    expectSame(values(kept), values(await g4.loadTensor('layers.0.adaLN_modulation.0.weight', REFERENCE_POLICY)));
    const g8 = await open(goldenBytes('transformer-Q8_0.gguf'));
    const t8 = await g8.loadTensor('noise_refiner.1.attention.to_v.weight', DEFAULT_POLICY);
    expect(t8.kind === 'blocks' && t8.dtype).toBe('q8_0');
    const half = await g8.loadTensor('noise_refiner.1.attention.to_v.weight', { ...DEFAULT_POLICY, matrix: 'f16' });
    expect(half.kind).toBe('f16');
  });

  it('seed 5: BF16 / F16 matrices and the embedding table, in chunks or whole, give the same result', async () => {
    const rng = new Rng(5);
    const vocab = 40;
    const hidden = 64;
    const emb = rng.normalArray(vocab * hidden);
    const w = rng.normalArray(96 * hidden);
    const file = buildSafetensors([
      { name: 'model.embed_tokens.weight', dtype: 'BF16', shape: [vocab, hidden], data: bf16Bytes(emb) },
      { name: 'model.layers.0.self_attn.q_proj.weight', dtype: 'F16', shape: [96, hidden], data: f16Bytes(w) },
      { name: 'model.layers.0.self_attn.q_norm.weight', dtype: 'BF16', shape: [32], data: bf16Bytes(new Float32Array(32).fill(1)) },
    ]);
    const m = await open(file);
    expect(m.network).toBe('qwen3');
    const e = await m.loadTensor('model.embed_tokens.weight');
    expect(e.kind).toBe('f16'); // default: the token table in f16
    const exact = values(await m.loadTensor('model.embed_tokens.weight', REFERENCE_POLICY));
    const ev = values(e);
    for (let i = 0; i < exact.length; i++) expect(Math.abs(ev[i] - exact[i])).toBeLessThanOrEqual(Math.abs(exact[i]) * 2 ** -11);
    expect((await m.loadTensor('model.embed_tokens.weight', KEEP_POLICY)).kind).toBe('f32'); // BF16 kept = exact f32
    const policies: ImportPolicy[] = [DEFAULT_POLICY, { ...DEFAULT_POLICY, matrix: 'q8' }, KEEP_POLICY, REFERENCE_POLICY, { ...DEFAULT_POLICY, matrix: 'f16', embedding: 'q8' }];
    for (const p of policies) {
      for (const name of m.tensors.keys()) {
        const whole = await m.loadTensor(name, p);
        const chunked = await m.loadTensor(name, p, { chunkBytes: 300 }); // a few rows per read
        expect(chunked.kind).toBe(whole.kind);
        expectSame(values(chunked), values(whole), `${name} ${JSON.stringify(p)}`);
      }
    }
    const q8 = await m.loadTensor('model.embed_tokens.weight', { ...DEFAULT_POLICY, embedding: 'q8' });
    expect(q8.kind === 'quant' && q8.q.type).toBe('q8');
  });

  it('falls back to keep when the last dimension is not a multiple of 32', async () => {
    const m = await open(buildSafetensors([{ name: 'layers.0.attention.to_q.weight', dtype: 'F16', shape: [3, 40], data: f16Bytes(new Float32Array(120).fill(0.5)) }]));
    expect((await m.loadTensor('layers.0.attention.to_q.weight')).kind).toBe('f16');
  });
});
