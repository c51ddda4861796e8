import { describe, expect, it } from 'vitest';
import type { ModelFile } from '../../src/weights/modelFile.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { detectNaming, mapName } from '../../src/weights/names.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { parseSafetensors } from '../../src/weights/safetensors.ts';
import { BytesSource, readRange } from '../../src/weights/source.ts';
import type { GgTensor, StTensor } from './builders.ts';
import { buildGguf, buildSafetensors, f32Bytes, goldenBytes } from './builders.ts';

const open = (b: Uint8Array): Promise<ModelFile> => openModelFile(new BytesSource(b));

async function f32(m: ModelFile, name: string): Promise<Float32Array> {
  const t = await m.loadTensor(name, REFERENCE_POLICY);
  if (t.kind !== 'f32') throw new Error(`${name}: ${t.kind}`);
  return t.data;
}

/** The raw tensors of a golden safetensors file, for rewriting under other names. */
async function goldenTensors(file: string): Promise<StTensor[]> {
  const s = await parseSafetensors(new BytesSource(goldenBytes(file)));
  return Promise.all(s.tensors.map(async (t) => ({ name: t.name, dtype: t.dtype, shape: t.shape, data: await readRange(t.source, t.offset, t.byteLength) })));
}

async function expectSameTensors(a: ModelFile, b: ModelFile): Promise<void> {
  expect([...a.tensors.keys()].sort()).toEqual([...b.tensors.keys()].sort());
  for (const [name, t] of a.tensors) {
    expect(b.tensors.get(name)!.shape, name).toEqual(t.shape);
    expect(Array.from(await f32(b, name)), name).toEqual(Array.from(await f32(a, name)));
  }
}

function maxAbs(a: Float32Array, b: Float32Array): number {
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]));
  return e;
}

describe('name maps on the golden files', () => {
  it('the diffusers DiT and the lumina2 GGUF DiTs hold the same canonical tensors and config', async () => {
    const ref = await open(goldenBytes('transformer.safetensors'));
    expect([ref.network, ref.naming]).toEqual(['dit', 'diffusers']);
    for (const file of ['transformer-Q4_0.gguf', 'transformer-Q8_0.gguf']) {
      const g = await open(goldenBytes(file));
      expect([g.network, g.naming]).toEqual(['dit', 'comfy']);
      const r = g.detect();
      expect(r.ok, JSON.stringify(r)).toBe(true);
      expect(r.dims).toEqual(ref.detect().dims);
      expect([...g.tensors.keys()].sort()).toEqual([...ref.tensors.keys()].sort());
      for (const [name, t] of ref.tensors) expect(g.tensors.get(name)!.shape, name).toEqual(t.shape);
    }
  });

  it('splits fused qkv rows in q, k, v order (the Q8_0 weights match their own source, not their neighbours)', async () => {
    const ref = await open(goldenBytes('transformer.safetensors'));
    const g = await open(goldenBytes('transformer-Q8_0.gguf'));
    for (const block of ['layers.1', 'noise_refiner.0', 'context_refiner.1']) {
      const names = ['to_q', 'to_k', 'to_v', 'to_out.0'].map((w) => `${block}.attention.${w}.weight`);
      const want = await Promise.all(names.map((n) => f32(ref, n)));
      for (let i = 0; i < names.length; i++) {
        const got = await f32(g, names[i]);
        const own = maxAbs(got, want[i]);
        expect(own, names[i]).toBeLessThan(0.02 * Math.max(...want[i].map(Math.abs)));
        for (let j = 0; j < names.length; j++) if (j !== i) expect(maxAbs(got, want[j])).toBeGreaterThan(10 * own);
      }
    }
  });

  it('the FLUX-named and diffusers-named VAEs give identical canonical tensors', async () => {
    const flux = await open(goldenBytes('vae_flux_names.safetensors'));
    const diff = await open(goldenBytes('vae_diffusers_names.safetensors'));
    expect([flux.network, flux.naming, diff.naming]).toEqual(['vae', 'flux', 'diffusers']);
    expect(flux.detect().ok && diff.detect().ok).toBe(true);
    expect(flux.tensors.get('decoder.mid_block.attentions.0.to_q.weight')!.shape).toEqual([64, 64]); // 1x1 conv squeezed
    expect(flux.tensors.get('decoder.up_blocks.0.upsamplers.0.conv.weight')!.fileName).toBe('decoder.up.3.upsample.conv.weight');
    await expectSameTensors(diff, flux);
  });

  it('the HF Qwen3 is detected with its config', async () => {
    const te = await open(goldenBytes('text_encoder.safetensors'));
    const r = te.detect();
    expect([r.network, r.naming, r.ok]).toEqual(['qwen3', 'hf', true]);
    expect(r.dims?.dims).toEqual({ hiddenSize: 64, numLayers: 3, numHeads: 4, numKvHeads: 2, headDim: 32, intermediateSize: 160, vocabSize: 384 });
  });
});

describe('name maps on files the tests write', () => {
  it('a Comfy-named DiT (prefix, fused qkv, out, q_norm, norm_final) maps onto the diffusers tensors', async () => {
    const src = await goldenTensors('transformer.safetensors');
    const byName = new Map(src.map((t) => [t.name, t]));
    const out: StTensor[] = [];
    for (const t of src) {
      let n = t.name.replace(/^all_x_embedder\.2-1\./, 'x_embedder.').replace(/^all_final_layer\.2-1\./, 'final_layer.');
      n = n.replace('.attention.to_out.0.', '.attention.out.').replace('.attention.norm_q.', '.attention.q_norm.').replace('.attention.norm_k.', '.attention.k_norm.');
      if (/\.attention\.to_[kv]\.weight$/.test(n)) continue;
      if (/\.attention\.to_q\.weight$/.test(n)) {
        const p = n.replace('.to_q.weight', '');
        const parts = ['to_q', 'to_k', 'to_v'].map((w) => byName.get(`${p}.${w}.weight`)!);
        const data = new Uint8Array(parts.reduce((a, x) => a + x.data.byteLength, 0));
        let o = 0;
        for (const x of parts) {
          data.set(x.data, o);
          o += x.data.byteLength;
        }
        out.push({ name: `model.diffusion_model.${p}.qkv.weight`, dtype: 'F32', shape: [3 * t.shape[0], t.shape[1]], data });
        continue;
      }
      out.push({ ...t, name: `model.diffusion_model.${n}` });
    }
    out.push({ name: 'model.diffusion_model.norm_final.weight', dtype: 'F32', shape: [96], data: new Uint8Array(384) });
    const comfy = await open(buildSafetensors(out));
    expect([comfy.network, comfy.naming]).toEqual(['dit', 'comfy']);
    expect(comfy.ignored).toEqual(['model.diffusion_model.norm_final.weight']);
    expect(comfy.detect().ok).toBe(true);
    await expectSameTensors(await open(goldenBytes('transformer.safetensors')), comfy);
  });

  it('a llama.cpp-named Qwen3 GGUF (and an HF file without the model. prefix) map onto the HF tensors', async () => {
    const src = await goldenTensors('text_encoder.safetensors');
    const llama: Record<string, string> = {
      'self_attn.q_proj': 'attn_q', 'self_attn.k_proj': 'attn_k', 'self_attn.v_proj': 'attn_v', 'self_attn.o_proj': 'attn_output',
      'self_attn.q_norm': 'attn_q_norm', 'self_attn.k_norm': 'attn_k_norm', input_layernorm: 'attn_norm',
      post_attention_layernorm: 'ffn_norm', 'mlp.gate_proj': 'ffn_gate', 'mlp.up_proj': 'ffn_up', 'mlp.down_proj': 'ffn_down',
    };
    const rename = (n: string): string => {
      if (n === 'model.embed_tokens.weight') return 'token_embd.weight';
      if (n === 'model.norm.weight') return 'output_norm.weight';
      const m = n.match(/^model\.layers\.(\d+)\.(.+)\.weight$/)!;
      return `blk.${m[1]}.${llama[m[2]]}.weight`;
    };
    const tensors: GgTensor[] = src.map((t) => ({ name: rename(t.name), type: 0, ne: [...t.shape].reverse(), data: t.data }));
    const emb = src.find((t) => t.name === 'model.embed_tokens.weight')!;
    tensors.push({ name: 'output.weight', type: 0, ne: [...emb.shape].reverse(), data: emb.data });
    const gg = await open(buildGguf({ kv: [['general.architecture', [8, 'qwen3']]], tensors }));
    expect([gg.network, gg.naming, gg.detect().ok]).toEqual(['qwen3', 'llama.cpp', true]);
    expect(gg.ignored).toEqual(['output.weight']);
    const ref = await open(goldenBytes('text_encoder.safetensors'));
    await expectSameTensors(ref, gg);
    const bare = await open(buildSafetensors(src.map((t) => ({ ...t, name: t.name.replace(/^model\./, '') })).concat([{ ...emb, name: 'lm_head.weight' }])));
    expect([bare.network, bare.naming, bare.ignored]).toEqual(['qwen3', 'hf', ['lm_head.weight']]);
    await expectSameTensors(ref, bare);
  });

  it('a decoder-only FLUX VAE under an LDM prefix is complete for decoding', async () => {
    const src = (await goldenTensors('vae_flux_names.safetensors')).filter((t) => t.name.startsWith('decoder.'));
    const m = await open(buildSafetensors(src.map((t) => ({ ...t, name: `first_stage_model.${t.name}` }))));
    const r = m.detect();
    expect([r.network, r.naming, r.ok]).toEqual(['vae', 'flux', true]);
    expect(r.dims?.dims).toEqual({ blockOutChannels: [32, 32, 64, 64], layersPerBlock: 2, latentChannels: 16, inChannels: 3, outChannels: 3, hasEncoder: false, hasDecoder: true });
    const full = await open(goldenBytes('vae_diffusers_names.safetensors'));
    for (const name of m.tensors.keys()) expect(Array.from(await f32(m, name)), name).toEqual(Array.from(await f32(full, name)));
  });

  it('reports missing, unexpected and mis-shaped tensors by name', async () => {
    const src = (await goldenTensors('transformer.safetensors')).filter((t) => t.name !== 'layers.1.feed_forward.w2.weight');
    const cap = src.find((t) => t.name === 'cap_embedder.0.weight')!;
    cap.shape = [16];
    cap.data = f32Bytes(new Array(16).fill(1));
    src.push({ name: 'layers.0.attention.extra.weight', dtype: 'F32', shape: [2], data: f32Bytes([1, 2]) });
    const r = (await open(buildSafetensors(src))).detect();
    expect(r.ok).toBe(false);
    expect(r.missing).toEqual(['layers.1.feed_forward.w2.weight']);
    expect(r.unexpected).toEqual(['layers.0.attention.extra.weight']);
    expect(r.misshaped).toEqual([{ name: 'cap_embedder.0.weight', expected: [64], actual: [16] }]);
  });

  it('says what it cannot infer, and handles detection edge cases', async () => {
    const partial = await open(buildSafetensors([{ name: 'layers.0.attention.to_q.weight', dtype: 'F32', shape: [2, 2], data: f32Bytes([1, 2, 3, 4]) }]));
    const r = partial.detect();
    expect([r.network, r.dims, r.ok]).toEqual(['dit', null, false]);
    expect(r.problems.join('; ')).toMatch(/all_x_embedder\.2-1\.weight is missing/);
    expect(detectNaming(['in.x', 'out.sample'])).toBeNull();
    expect(detectNaming(['decoder.up.0.block.0.conv1.weight'])).toEqual({ network: 'vae', naming: 'flux' });
    expect(mapName('vae', 'decoder.up.0.block.0.nin_shortcut.weight', { vaeUpLevels: 4 }).targets).toEqual([{ canonical: 'decoder.up_blocks.3.resnets.0.conv_shortcut.weight', squeeze: undefined }]);
    expect(mapName('dit', 'diffusion_model.layers.3.attention.qkv.weight', { vaeUpLevels: 0 }).targets.map((t) => [t.canonical, t.split])).toEqual([
      ['layers.3.attention.to_q.weight', { index: 0, parts: 3 }], ['layers.3.attention.to_k.weight', { index: 1, parts: 3 }], ['layers.3.attention.to_v.weight', { index: 2, parts: 3 }],
    ]);
    const dup = await open(buildSafetensors([
      { name: 'x_embedder.weight', dtype: 'F32', shape: [1, 1], data: f32Bytes([1]) },
      { name: 'all_x_embedder.2-1.weight', dtype: 'F32', shape: [1, 1], data: f32Bytes([2]) },
    ]));
    expect(dup.mappingProblems.join()).toMatch(/duplicates/);
    const odd = await open(buildSafetensors([{ name: 'layers.0.attention.qkv.weight', dtype: 'F32', shape: [2, 1], data: f32Bytes([1, 2]) }]));
    expect(odd.mappingProblems.join()).toMatch(/does not split into 3/);
  });
});
