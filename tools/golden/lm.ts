// Golden lm_* cases: Qwen3 as a causal LM (text encoder layers + final norm + tied head) on the GPU, loaded the way
// the studio loads it (loadTextEncoder's n_layers - 1 layers, then loadLmParts adds the rest). Checks the logits of
// every prompt position, 16 greedy tokens through the KV-cache decode loop, the logits each cached decode step
// consumed, and the same step logits by full recomputation (a fresh prefill over prompt + generated tokens).
import type { Gpu } from '../../src/engine/gpu.ts';
import { compareArrays } from '../../src/lib/compare.ts';
import { parseTextEncoderConfig } from '../../src/models/zimage/config.ts';
import { loadTextEncoder } from '../../src/models/zimage/load.ts';
import { loadLmParts } from '../../src/models/zimage/loadLm.ts';
import { GREEDY } from '../../src/models/zimage/sampling.ts';
import type { ModelFile } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';

type Report = (file: string, tensor: string, maxErr: number, tol: number) => void;

interface Io {
  open(name: string): Promise<ModelFile>;
  json(name: string): Promise<Record<string, unknown>>;
}

async function f32(file: ModelFile, t: string): Promise<Float32Array> {
  const l = await file.loadTensor(t, REFERENCE_POLICY);
  if (l.kind === 'f32') return l.data;
  if (l.kind === 'i32') return Float32Array.from(l.data);
  throw new Error(`${t} is not float data`);
}

const err = (got: Float32Array, want: Float32Array) => (got.length === want.length ? compareArrays(got, want, 0).relToMax : Infinity);

export async function runLmCases(gpu: Gpu, files: string[], io: Io, report: Report): Promise<number> {
  const cases = files.filter((f) => f.startsWith('lm_') && f.endsWith('.safetensors'));
  const byWeights = new Map<string, { name: string; file: ModelFile }[]>();
  for (const name of cases) {
    const file = await io.open(name);
    const weights = String(file.metadata.get('weights') ?? 'text_encoder_lm.safetensors');
    byWeights.set(weights, [...(byWeights.get(weights) ?? []), { name, file }]);
  }
  let ran = 0;
  for (const [weights, group] of byWeights) {
    const cfgName = String(group[0].file.metadata.get('config') ?? 'text_encoder_config.json');
    const cfg = parseTextEncoderConfig(await io.json(cfgName));
    const weightFile = await io.open(weights);
    const te = await loadTextEncoder(gpu, weightFile, cfg, REFERENCE_POLICY);
    const parts = await loadLmParts(gpu, weightFile, cfg, te, REFERENCE_POLICY);
    const lm = parts.lm;
    for (const { name, file } of group) {
      const ids = Int32Array.from(await f32(file, 'in.input_ids'));
      const want = Int32Array.from(await f32(file, 'out.greedy_ids'));
      // Logits of every prompt position, one prefill.
      const cache = lm.newCache(ids.length);
      const all = await lm.forward(ids, cache, true);
      report(name, 'out.logits', err(await gpu.read(all), await f32(file, 'out.logits')), 1e-3);
      all.release();
      cache.release();
      // Greedy decode with the KV cache; step i consumed greedy[i] and produced the logits for greedy[i + 1].
      const steps = new Map<number, Float32Array>();
      const r = await lm.generate(ids, { maxNewTokens: want.length, sampling: GREEDY, seed: 0, onLogits: (i, l) => steps.set(i, l.slice()) });
      const got = Int32Array.from(r.ids);
      const diff = got.length !== want.length ? Math.max(got.length, want.length) : got.filter((v, i) => v !== want[i]).length;
      report(name, 'out.greedy_ids', diff, 0);
      for (let i = 0; file.tensors.has(`step${i}.logits`); i++) {
        const ref = await f32(file, `step${i}.logits`);
        report(name, `step${i}.logits`, steps.has(i) ? err(steps.get(i)!, ref) : Infinity, 1e-3);
        // Full recomputation: prompt + greedy[0..i] from an empty cache, last row.
        const seq = Int32Array.from([...ids, ...want.slice(0, i + 1)]);
        const fresh = lm.newCache(seq.length);
        const full = await lm.nextLogits(seq, fresh);
        fresh.release();
        report(name, `step${i}.logits (full recompute)`, err(full, ref), 1e-3);
      }
      ran++;
    }
    parts.release();
    te.release();
  }
  return ran;
}
