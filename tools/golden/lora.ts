// Golden lora_* cases (../shared/golden README): the transformer named by the case's `weights` metadata with the
// LoRA files named by `loras` (comma-separated, in strength order) applied at `in.lora_strengths` as run-time side
// products, against diffusers with the LoRAs merged into the weights. File names come from the metadata only.
import type { Gpu } from '../../src/engine/gpu.ts';
import type { TransformerConfig } from '../../src/models/zimage/config.ts';
import { loadTransformer } from '../../src/models/zimage/load.ts';
import { buildLoraStack, readZImageLora } from '../../src/models/zimage/lora.ts';
import type { ZImageTransformer } from '../../src/models/zimage/transformer.ts';
import { compareArrays } from '../../src/lib/compare.ts';
import { parseSafetensors } from '../../src/weights/safetensors.ts';
import { openModelFile } from '../../src/weights/modelFile.ts';
import { KEEP_POLICY, REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BlobSource } from '../../src/weights/source.ts';
import { decodeFloatsInto } from '../../src/weights/dtypes.ts';
import { readRange } from '../../src/weights/source.ts';

type Report = (file: string, tensor: string, maxErr: number, tol: number) => void;

async function source(base: string, name: string): Promise<BlobSource> {
  const res = await fetch(base + name);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  return new BlobSource(await res.blob(), name);
}

export async function runLoraCases(gpu: Gpu, base: string, files: string[], cfg: TransformerConfig | null, report: Report): Promise<number> {
  const cases = files.filter((f) => f.startsWith('lora_') && f.endsWith('.safetensors'));
  if (!cases.length) return 0;
  if (!cfg) throw new Error('lora_* cases need config.json');
  const models = new Map<string, ZImageTransformer>(); // by weights file name
  let ran = 0;
  for (const f of cases) {
    const st = await parseSafetensors(await source(base, f));
    const tensor = async (name: string) => {
      const t = st.tensors.find((x) => x.name === name);
      if (!t) throw new Error(`${f}: no tensor ${name}`);
      const out = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
      decodeFloatsInto(t.dtype, await readRange(t.source, t.offset, t.byteLength), out, 0);
      return { data: out, shape: t.shape };
    };
    const weights = st.metadata.weights;
    const loraNames = (st.metadata.loras ?? '').split(',').filter(Boolean);
    if (!weights || !loraNames.length) throw new Error(`${f}: __metadata__ must name "weights" and "loras"`);
    let dit = models.get(weights);
    if (!dit) {
      const policy = weights.endsWith('.gguf') ? KEEP_POLICY : REFERENCE_POLICY; // GGUF blocks as stored
      dit = await loadTransformer(gpu, await openModelFile(await source(base, weights)), cfg, policy);
      models.set(weights, dit);
    }
    const strengths = (await tensor('in.lora_strengths')).data;
    const loras = await Promise.all(loraNames.map(async (name, i) => ({ name, lora: await readZImageLora(await source(base, name), cfg), strength: strengths[i] })));
    for (const l of loras) if (l.lora.unmatched.length) console.log(`[lora] ${l.name}: unmatched keys ${l.lora.unmatched.join(', ')}`);
    const stack = buildLoraStack(gpu, dit.w, loras);
    dit.lora = stack;
    const x = await tensor('in.x');
    const cap = await tensor('in.cap_feats');
    const tx = gpu.upload(x.data, x.shape, 'f32', 'in.x');
    const tc = gpu.upload(cap.data, cap.shape, 'f32', 'in.cap_feats');
    const out = dit.forward(tx, tc, (await tensor('in.t')).data[0]);
    const got = await gpu.read(out);
    const want = (await tensor('out.sample')).data;
    report(f, 'out.sample', got.length === want.length ? compareArrays(got, want, 0).relToMax : Infinity, 1e-3);
    dit.lora = null;
    stack.release();
    for (const t of [tx, tc, out]) t.release();
    ran++;
  }
  for (const m of models.values()) m.release();
  return ran;
}
