// Golden cases that run in the browser on the GPU: every model component against the reference outputs in
// ../shared/golden (contract: that folder's README). Each checked tensor reports one line through `report`.
import { Gpu } from '../../src/engine/gpu.ts';
import type { Tensor } from '../../src/engine/tensor.ts';
import { compareArrays } from '../../src/lib/compare.ts';
import { parseTextEncoderConfig, parseTransformerConfig, parseVaeConfig } from '../../src/models/zimage/config.ts';
import { loadTextEncoder, loadTransformer, loadVae } from '../../src/models/zimage/load.ts';
import { omniForward } from '../../src/models/zimage/omni.ts';
import { flowMatchSchedule } from '../../src/models/zimage/scheduler.ts';
import { KEEP_POLICY, REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { type ModelFile, openModelFile } from '../../src/weights/modelFile.ts';
import { BlobSource } from '../../src/weights/source.ts';
import { runLmCases } from './lm.ts';
import { runLoraCases } from './lora.ts';
import { runControlNetCases } from './controlnet.ts';
import { runQuantCases } from './quants.ts';
import { runTaef1Cases } from './taef1.ts';

export type Report = (file: string, tensor: string, maxErr: number, tol: number) => void;

const base = '/__files/golden/';

async function open(name: string): Promise<ModelFile> {
  const res = await fetch(base + name);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  return openModelFile(new BlobSource(await res.blob()));
}

async function json(name: string): Promise<Record<string, unknown>> {
  const res = await fetch(base + name);
  if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
  return res.json();
}

class Case {
  constructor(
    readonly name: string,
    readonly file: ModelFile,
  ) {}
  has(t: string): boolean {
    return this.file.tensors.has(t);
  }
  async f32(t: string): Promise<{ data: Float32Array; shape: number[] }> {
    const l = await this.file.loadTensor(t, REFERENCE_POLICY);
    if (l.kind === 'f32') return { data: l.data, shape: l.shape };
    if (l.kind === 'i32') return { data: Float32Array.from(l.data), shape: l.shape };
    throw new Error(`${this.name}: ${t} is not float data`);
  }
  async ints(t: string): Promise<Int32Array> {
    const l = await this.file.loadTensor(t, REFERENCE_POLICY);
    if (l.kind !== 'i32') throw new Error(`${this.name}: ${t} is not an integer tensor`);
    return l.data;
  }
  async upload(gpu: Gpu, t: string): Promise<Tensor> {
    const { data, shape } = await this.f32(t);
    return gpu.upload(data, shape, 'f32', t);
  }
}

async function check(gpu: Gpu, report: Report, c: Case, t: string, got: Tensor | Float32Array, tol: number): Promise<void> {
  const want = (await c.f32(t)).data;
  const g = got instanceof Float32Array ? got : await gpu.read(got);
  const r = compareArrays(g, want, 0);
  report(c.name, t, g.length === want.length ? r.relToMax : Infinity, tol);
}

export async function runGpuCases(files: string[], report: Report): Promise<number> {
  const gpu = await Gpu.create();
  console.log(`[gpu] adapter: ${gpu.adapter.vendor} / ${gpu.adapter.architecture} ${gpu.adapter.description}`);
  let ran = 0;
  const has = (f: string) => files.includes(f);
  const ditCfg = has('config.json') ? parseTransformerConfig(await json('config.json')) : null;

  // GGUF block types through the engine: uploaded as stored, decoded by the matmul kernels (quants.ts).
  if (has('quants.gguf') && has('quants_expected.safetensors')) ran += await runQuantCases(gpu, await open('quants.gguf'), await open('quants_expected.safetensors'), report);

  // DiT single forwards: f32 weights (forward_*), and the GGUF Q4_0 / Q8_0 files kept as stored (ggml blocks).
  const ditCases: [prefix: string, weights: string, policy: typeof KEEP_POLICY][] = [
    ['forward_', 'transformer.safetensors', REFERENCE_POLICY],
    ['gguf_q4_0_', 'transformer-Q4_0.gguf', KEEP_POLICY],
    ['gguf_q8_0_', 'transformer-Q8_0.gguf', KEEP_POLICY],
  ];
  for (const [prefix, weights, policy] of ditCases) {
    const cases = files.filter((f) => f.startsWith(prefix) && f.endsWith('.safetensors'));
    if (!cases.length) continue;
    if (!ditCfg || !has(weights)) throw new Error(`${prefix}* cases need config.json and ${weights}`);
    const dit = await loadTransformer(gpu, await open(weights), ditCfg, policy);
    for (const f of cases) {
      const c = new Case(f, await open(f));
      const x = await c.upload(gpu, 'in.x');
      const cap = await c.upload(gpu, 'in.cap_feats');
      const t = (await c.f32('in.t')).data[0];
      const out = dit.forward(x, cap, t);
      await check(gpu, report, c, 'out.sample', out, 1e-3);
      for (const tt of [x, cap, out]) tt.release();
      ran++;
    }
    if (prefix === 'forward_') {
      for (const f of files.filter((n) => n.startsWith('sample_') && n.endsWith('.safetensors'))) {
        const c = new Case(f, await open(f));
        const sigmasWant = (await c.f32('sched.sigmas')).data;
        const steps = sigmasWant.length - 1;
        const sched = flowMatchSchedule(steps, 3.0);
        await check(gpu, report, c, 'sched.sigmas', Float32Array.from(sched.sigmas), 1e-6);
        const z = await c.upload(gpu, 'in.latents');
        const cap = await c.upload(gpu, 'in.cap_feats');
        const { eulerStep } = await import('../../src/engine/ops.ts');
        for (let i = 0; i < steps; i++) {
          const pred = dit.forward(z, cap, 1 - sched.sigmas[i]);
          gpu.run((b) => eulerStep(b, z, pred, sched.sigmas[i] - sched.sigmas[i + 1]));
          pred.release();
          if (c.has(`step${i}.latents`)) await check(gpu, report, c, `step${i}.latents`, z, 2e-3);
        }
        await check(gpu, report, c, 'out.latents', z, 2e-3);
        z.release();
        cap.release();
        ran++;
      }
    }
    dit.release();
  }

  // LoRAs on the f32 and the GGUF Q4_0 transformers (lora.ts).
  ran += await runLoraCases(gpu, base, files, ditCfg, report);

  // ControlNet hints on the f32 transformer (controlnet.ts).
  ran += await runControlNetCases(gpu, base, files, ditCfg, report);

  // Omni mode: clean reference latents (t = 1) and the noisy target, caption segments, optional SigLIP features.
  const omni = files.filter((f) => f.startsWith('omni_') && f.endsWith('.safetensors'));
  if (omni.length) {
    if (!has('config_omni.json') || !has('transformer_omni.safetensors')) throw new Error('omni_* cases need config_omni.json and transformer_omni.safetensors');
    const inUse = gpu.pool.stats().inUseBytes;
    const dit = await loadTransformer(gpu, await open('transformer_omni.safetensors'), parseTransformerConfig(await json('config_omni.json')), REFERENCE_POLICY);
    for (const f of omni) {
      const c = new Case(f, await open(f));
      const n = [...c.file.tensors.keys()].filter((k) => /^in\.x\.\d+$/.test(k)).length;
      const images = await Promise.all(Array.from({ length: n }, (_, i) => c.upload(gpu, `in.x.${i}`)));
      const caps = await Promise.all(Array.from({ length: n + 1 }, (_, i) => c.upload(gpu, `in.cap_feats.${i}`)));
      const anySiglip = Array.from({ length: n }, (_, i) => c.has(`in.siglip_feats.${i}`)).some(Boolean);
      const siglip = anySiglip
        ? await Promise.all(
            Array.from({ length: n }, async (_, i) => {
              if (!c.has(`in.siglip_feats.${i}`)) return null;
              const { data, shape } = await c.f32(`in.siglip_feats.${i}`);
              return { h: shape[0], w: shape[1], data };
            }),
          )
        : undefined;
      const t = (await c.f32('in.t')).data[0];
      const out = omniForward(dit, { images, caps, siglip, noisy: images.map((_, i) => i === n - 1), t });
      await check(gpu, report, c, 'out.sample', out, 1e-3);
      for (const tt of [...images, ...caps, out]) tt.release();
      ran++;
    }
    dit.release();
    // Every tensor an omni forward makes is released by it or by its caller (a leak costs GBs over a real edit).
    const left = gpu.pool.stats().inUseBytes - inUse;
    if (left !== 0) throw new Error(`omni forwards left ${left} bytes of GPU tensors unreleased`);
  }

  // Qwen3 text encoder: every layer's output and hidden_states[-2].
  const teCases = files.filter((f) => f.startsWith('te_') && f.endsWith('.safetensors'));
  if (teCases.length) {
    const cfg = parseTextEncoderConfig(await json('text_encoder_config.json'));
    const te = await loadTextEncoder(gpu, await open('text_encoder.safetensors'), cfg, REFERENCE_POLICY, undefined, cfg.nLayers);
    for (const f of teCases) {
      const c = new Case(f, await open(f));
      const ids = await c.ints('in.input_ids');
      const out = await te.encode(ids, async (i, h) => {
        if (c.has(`layer${i}.out`)) await check(gpu, report, c, `layer${i}.out`, h, 1e-3);
        if (i === cfg.nLayers - 2) await check(gpu, report, c, 'out.hidden_states_minus2', h, 1e-3);
      });
      out.release();
      ran++;
    }
    te.release();
  }

  // Qwen3 as a causal LM (the prompt enhancer): lm.ts.
  ran += await runLmCases(gpu, files, { open, json }, report);

  // VAE decode and encode, with both weight files (diffusers and original FLUX names).
  const vaeCases = files.filter((f) => f.startsWith('vae_') && f.endsWith('.safetensors') && !f.includes('_names'));
  if (vaeCases.length) {
    const cfg = parseVaeConfig(await json('vae_config.json'));
    for (const weights of ['vae_diffusers_names.safetensors', 'vae_flux_names.safetensors']) {
      const vae = await loadVae(gpu, await open(weights), cfg, { encoder: true, convWeights: 'f32' }); // stored precision
      for (const f of vaeCases) {
        const c = new Case(f, await open(f));
        const label = new Case(`${f} [${weights}]`, c.file);
        if (c.has('decode.in.z')) {
          const z = await c.upload(gpu, 'decode.in.z');
          const img = vae.decode(z);
          await check(gpu, report, label, 'decode.out.image', img, 1e-3);
          z.release();
          img.release();
        }
        if (c.has('encode.in.image')) {
          const img = await c.upload(gpu, 'encode.in.image');
          const moments = vae.encodeMoments(img);
          await check(gpu, report, label, 'encode.out.moments', moments, 1e-3);
          moments.release();
          const lat = vae.encode(img);
          await check(gpu, report, label, 'encode.out.latent_mode', lat, 1e-3);
          lat.release();
          img.release();
        }
        ran++;
      }
      vae.release();
    }
  }
  // TAEF1 (live previews): decode and encode, both key namings (taef1.ts).
  ran += await runTaef1Cases(gpu, base, files, report);
  gpu.destroy();
  return ran;
}
