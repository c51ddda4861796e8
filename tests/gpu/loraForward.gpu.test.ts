// LoRAs on the self-test model as the studio loads it (DEFAULT_POLICY: q4 matrices, never dequantized): the
// no-LoRA forward is byte-identical before and after a LoRA was used, a LoRA and a strength change take effect
// without reloading the model, and the time per DiT step with and without a rank-16 LoRA on every target is printed.
import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/lib/rng.ts';
import { loadTransformer } from '../../src/models/zimage/load.ts';
import { buildLoraStack, loraModuleMap, readZImageLora } from '../../src/models/zimage/lora.ts';
import { parseTransformerConfig } from '../../src/models/zimage/config.ts';
import type { ZImageTransformer } from '../../src/models/zimage/transformer.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { DEFAULT_POLICY } from '../../src/weights/policy.ts';
import { BlobSource, BytesSource } from '../../src/weights/source.ts';
import { writeSafetensors, type WriteTensor } from '../../tools/safetensorsWriter.ts';
import { getGpu } from './harness.ts';

const blob = async (name: string) => {
  const res = await fetch(`/models/selftest/${name}`);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status} (run npx tsx tools/makeSelftest.ts)`);
  return res.blob();
};

/** A rank-r LoRA (PEFT names) on every module of every block, from the model's own shapes. */
function fullLora(dit: ZImageTransformer, rank: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const tensors: WriteTensor[] = [];
  const paths: Record<string, keyof typeof dit.w.layers[0]> = { 'attention.to_q': 'toQ', 'attention.to_k': 'toK', 'attention.to_v': 'toV', 'attention.to_out.0': 'toOut', 'feed_forward.w1': 'w1', 'feed_forward.w2': 'w2', 'feed_forward.w3': 'w3', 'adaLN_modulation.0': 'adaLN' };
  for (const key of loraModuleMap(dit.cfg).keys()) {
    const m = /^(layers|noise_refiner|context_refiner)_(\d+)_(.+)$/.exec(key);
    const path = Object.keys(paths).find((p) => p.replace(/\./g, '_') === m?.[3]);
    if (!m || !path) continue; // aliases (attention.out, attention.qkv)
    const group = ({ layers: 'layers', noise_refiner: 'noiseRefiner', context_refiner: 'contextRefiner' } as const)[m[1] as 'layers'];
    const blk = dit.w[group][Number(m[2])];
    const w = paths[path] === 'adaLN' ? blk.adaLN?.w : (blk[paths[path]] as { shape: readonly number[] });
    if (!w) continue;
    const [N, K] = w.shape;
    const name = `transformer.${m[1]}.${m[2]}.${path}`;
    tensors.push({ name: `${name}.lora_A.weight`, dtype: 'BF16', shape: [rank, K], data: rng.normalArray(rank * K).map((v) => v * 0.1) });
    tensors.push({ name: `${name}.lora_B.weight`, dtype: 'BF16', shape: [N, rank], data: rng.normalArray(N * rank).map((v) => v * 0.1) });
  }
  return writeSafetensors(tensors);
}

describe('LoRA on the q4 self-test transformer', () => {
  it('no-LoRA path byte-identical; LoRA and strength changes without reloading; per-step cost, seed=51', async () => {
    const gpu = await getGpu();
    const cfg = parseTransformerConfig(JSON.parse(await (await blob('transformer_config.json')).text()));
    const dit = await loadTransformer(gpu, await openModelFile(new BlobSource(await blob('transformer.safetensors'))), cfg, DEFAULT_POLICY);
    const rng = new Rng(51);
    const x = gpu.upload(rng.normalArray(16 * 32 * 32), [16, 32, 32]); // 256² px: 256 image tokens
    const cap = gpu.upload(rng.normalArray(20 * cfg.capFeatDim), [20, cfg.capFeatDim]);
    const step = async () => {
      const out = dit.forward(x, cap, 0.5);
      const v = await gpu.read(out);
      out.release();
      return v;
    };
    const time = async (reps: number) => {
      await step(); // pipelines compiled, constants uploaded
      const t0 = performance.now();
      for (let i = 0; i < reps; i++) await step();
      return (performance.now() - t0) / reps;
    };
    const base = await step();
    const msBase = await time(2);
    const lora = await readZImageLora(new BytesSource(fullLora(dit, 16, 52), 'full.safetensors'), cfg);
    expect(lora.unmatched).toEqual([]);
    let stack = buildLoraStack(gpu, dit.w, [{ name: 'full', lora, strength: 1 }]);
    dit.lora = stack;
    const withLora = await step();
    const msLora = await time(2);
    stack.release();
    stack = buildLoraStack(gpu, dit.w, [{ name: 'full', lora, strength: -0.5 }, { name: 'again', lora, strength: 0.25 }]); // stacked: net -0.25
    dit.lora = stack;
    const stacked = await step();
    stack.release();
    stack = buildLoraStack(gpu, dit.w, [{ name: 'full', lora, strength: -0.25 }]);
    dit.lora = stack;
    const single = await step();
    stack.release();
    dit.lora = null;
    const after = await step();
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(maxDiff(base, withLora)).toBeGreaterThan(1e-3);
    expect(maxDiff(stacked, single), 'two stacked LoRAs = one at the summed strength').toBeLessThan(1e-4);
    expect(Array.from(after), 'no LoRA: byte-identical to before').toEqual(Array.from(base));
    console.log(`[lora] self-test DiT (q4), 256 image + 32 caption tokens: ${msBase.toFixed(1)} ms/step without LoRA, ${msLora.toFixed(1)} ms/step with a rank-16 LoRA on all ${lora.modules.length} targets (+${(((msLora - msBase) / msBase) * 100).toFixed(0)}%), adapter ${gpu.adapter.vendor}/${gpu.adapter.architecture}`);
    for (const t of [x, cap]) t.release();
    dit.release();
  });
});
