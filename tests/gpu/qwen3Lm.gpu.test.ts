// Qwen3 as a causal LM on the GPU with seeded random weights: the KV-cache path (prefill, then chunks and single
// decode steps) gives the logits a full recomputation gives; generation is reproducible from its seed; the head
// may come in row chunks. Golden checks against an independent reference: npm run test:golden (lm_* cases).
import { describe, expect, it } from 'vitest';
import type { Gpu } from '../../src/engine/gpu.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { Rng } from '../../src/lib/rng.ts';
import type { TextEncoderConfig } from '../../src/models/zimage/config.ts';
import { Qwen3Lm } from '../../src/models/zimage/qwen3Lm.ts';
import { GREEDY } from '../../src/models/zimage/sampling.ts';
import { expectClose, getGpu } from './harness.ts';

// Awkward on purpose: vocab 77 (no multiple of anything), 3 layers, grouped heads 6/2, hd 32, FFN 96.
const TEST_CFG: TextEncoderConfig = { vocabSize: 77, hiddenSize: 64, nHeads: 6, nKvHeads: 2, headDim: 32, nLayers: 3, intermediateSize: 96, rmsNormEps: 1e-6, ropeTheta: 1e6 };

function randomLm(gpu: Gpu, seed: number, headChunks: number[], CFG: TextEncoderConfig = TEST_CFG): { lm: Qwen3Lm; owned: Tensor[] } {
  const rng = new Rng(seed);
  const owned: Tensor[] = [];
  const { hiddenSize: D, nHeads: H, nKvHeads: Hkv, headDim: hd, intermediateSize: I, vocabSize: V } = CFG;
  const mat = (rows: number, cols: number, scale = 1 / Math.sqrt(cols)) => {
    const t = gpu.upload(rng.normalArray(rows * cols).map((x) => x * scale), [rows, cols]);
    owned.push(t);
    return t;
  };
  const norm = (n: number) => {
    const t = gpu.upload(rng.normalArray(n).map((x) => 1 + 0.1 * x), [n]);
    owned.push(t);
    return t;
  };
  const table = rng.normalArray(V * D); // (V, D)
  const layers = Array.from({ length: CFG.nLayers }, () => ({
    inputNorm: norm(D),
    postNorm: norm(D),
    q: mat(H * hd, D),
    k: mat(Hkv * hd, D),
    v: mat(Hkv * hd, D),
    o: mat(D, H * hd),
    qNorm: norm(hd),
    kNorm: norm(hd),
    gate: mat(I, D),
    up: mat(I, D),
    down: mat(D, I),
  }));
  const head: Tensor[] = [];
  let r0 = 0;
  for (const n of headChunks) {
    const t = gpu.upload(table.subarray(r0 * D, (r0 + n) * D), [n, D], 'f32', 'head');
    owned.push(t);
    head.push(t);
    r0 += n;
  }
  const embed = async (ids: Int32Array) => {
    const out = new Float32Array(ids.length * D);
    ids.forEach((id, i) => out.set(table.subarray(id * D, (id + 1) * D), i * D));
    return out;
  };
  return { lm: new Qwen3Lm(gpu, CFG, { embed, layers, norm: norm(D), head }), owned };
}

async function lastLogits(lm: Qwen3Lm, ids: Int32Array): Promise<Float32Array> {
  const cache = lm.newCache(ids.length);
  try {
    return await lm.nextLogits(ids, cache);
  } finally {
    cache.release();
  }
}

const CFG = TEST_CFG;
// The self-test model's text encoder (tools/makeSelftest.ts): the speed the e2e enhancer sees.
const SELFTEST_CFG: TextEncoderConfig = { vocabSize: 384, hiddenSize: 64, nHeads: 4, nKvHeads: 2, headDim: 32, nLayers: 3, intermediateSize: 160, rmsNormEps: 1e-6, ropeTheta: 1e6 };

describe('Qwen3Lm (causal LM, KV cache)', () => {
  it('timing: prefill and decode tokens/s at the self-test size (printed), 100-token prompt, 32 tokens, seed=13', async () => {
    const gpu = await getGpu();
    const { lm, owned } = randomLm(gpu, 13, [384], SELFTEST_CFG);
    const prompt = Int32Array.from({ length: 100 }, (_, i) => (i * 37) % 384);
    await lm.generate(prompt, { maxNewTokens: 4, sampling: GREEDY, seed: 0 }); // compiles the pipelines
    const r = await lm.generate(prompt, { maxNewTokens: 32, sampling: GREEDY, seed: 0 });
    const weights = owned.reduce((n, t) => n + t.bytes, 0);
    const kv = SELFTEST_CFG.nLayers * 2 * (100 + 32) * SELFTEST_CFG.nKvHeads * SELFTEST_CFG.headDim * 4;
    console.log(`[lm timing] ${gpu.adapter.description || gpu.adapter.architecture}: prefill ${r.promptTokens} tokens in ${r.prefillMs.toFixed(1)} ms = ${((r.promptTokens * 1000) / r.prefillMs).toFixed(0)} tokens/s; decode ${r.ids.length - 1} steps in ${r.decodeMs.toFixed(1)} ms = ${(((r.ids.length - 1) * 1000) / r.decodeMs).toFixed(1)} tokens/s; bytes read per decode token <= ${weights + kv} (weights ${weights}, KV cache ${kv} at capacity)`);
    expect(r.ids.length).toBe(32);
    for (const t of owned) t.release();
  });

  it('cached prefill in chunks and decode steps equal full recomputation, 37 tokens, head in 2 chunks, seed=5', async () => {
    const gpu = await getGpu();
    const { lm, owned } = randomLm(gpu, 5, [40, 37]);
    const rng = new Rng(6);
    const ids = Int32Array.from({ length: 37 }, () => rng.int(CFG.vocabSize));
    const cache = lm.newCache(ids.length);
    // Chunks 20, 9, then 1 at a time: every step's last row against a fresh prefill of the same prefix.
    const cuts = [20, 29, ...Array.from({ length: 8 }, (_, i) => 30 + i)];
    let start = 0;
    for (const end of cuts) {
      const cached = await lm.nextLogits(ids.subarray(start, end), cache);
      expect(cache.length).toBe(end);
      expectClose(cached, await lastLogits(lm, ids.subarray(0, end)), 2e-4, 2e-4, `logits after ${end} tokens`);
      start = end;
    }
    cache.release();
    for (const t of owned) t.release();
  });

  it('all-row logits of one prefill equal each prefix recomputed, 9 tokens, seed=7', async () => {
    const gpu = await getGpu();
    const { lm, owned } = randomLm(gpu, 7, [77]);
    const ids = Int32Array.from([3, 76, 0, 12, 12, 40, 1, 75, 9]);
    const cache = lm.newCache(ids.length);
    const all = await lm.forward(ids, cache, true);
    expect(all.shape).toEqual([9, CFG.vocabSize]);
    const got = await gpu.read(all);
    all.release();
    cache.release();
    for (const n of [1, 4, 9]) expectClose(got.subarray((n - 1) * 77, n * 77), await lastLogits(lm, ids.subarray(0, n)), 2e-4, 2e-4, `row ${n - 1}`);
    for (const t of owned) t.release();
  });

  it('generates reproducibly from a seed, stops on a stop id and refuses to overflow its cache, seed=9', async () => {
    const gpu = await getGpu();
    const { lm, owned } = randomLm(gpu, 9, [30, 30, 17]);
    const prompt = Int32Array.from([1, 2, 3, 4]);
    const sampling = { temperature: 1.5, topP: 0.9 };
    const a = await lm.generate(prompt, { maxNewTokens: 12, sampling, seed: 11 });
    const b = await lm.generate(prompt, { maxNewTokens: 12, sampling, seed: 11 });
    expect(a.ids).toEqual(b.ids);
    expect(a.ids.length).toBe(12);
    const greedy = await lm.generate(prompt, { maxNewTokens: 6, sampling: GREEDY, seed: 0 });
    const stopAt = greedy.ids[2];
    const stopped = await lm.generate(prompt, { maxNewTokens: 6, sampling: GREEDY, seed: 0, stopIds: [stopAt] });
    expect(stopped.stopped).toBe(true);
    expect(stopped.ids).toEqual(greedy.ids.slice(0, greedy.ids.indexOf(stopAt)));
    const small = lm.newCache(3);
    await expect(lm.forward(prompt, small)).rejects.toThrow(/more than the 3/);
    small.release();
    const before = gpu.pool.stats().inUseBytes;
    await lm.generate(prompt, { maxNewTokens: 2, sampling: GREEDY, seed: 0 });
    expect(gpu.pool.stats().inUseBytes).toBe(before); // the cache and every activation are released
    for (const t of owned) t.release();
  });
});
