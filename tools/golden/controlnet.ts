// Golden controlnet_* cases (../shared/golden README): the transformer named by the case's `weights` metadata, the
// ControlNet named by `controlnet` (config from `controlnet_config` when named, else inferred from the file), the
// VAE named by `vae` (which encodes the control image, and in inpaint mode the masked image). The control input is
// assembled by the pipeline's own code (controlContext.ts) from the case's images and checked against
// `in.control_context`; `out.sample` is the controlled forward on it. File names come from the metadata only.
import type { Gpu } from '../../src/engine/gpu.ts';
import { compareArrays } from '../../src/lib/compare.ts';
import { parseTransformerConfig, parseVaeConfig, type TransformerConfig } from '../../src/models/zimage/config.ts';
import { buildControlContext } from '../../src/models/zimage/controlContext.ts';
import { parseControlConfig } from '../../src/models/zimage/controlConfig.ts';
import { loadTransformer, loadVae } from '../../src/models/zimage/load.ts';
import { loadControlNet } from '../../src/models/zimage/loadControl.ts';
import { openModelFile, type ModelFile } from '../../src/weights/modelFile.ts';
import { KEEP_POLICY, REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { BlobSource } from '../../src/weights/source.ts';

type Report = (file: string, tensor: string, maxErr: number, tol: number) => void;
type Json = Record<string, unknown>;

export async function runControlNetCases(gpu: Gpu, base: string, files: string[], ditCfg: TransformerConfig | null, report: Report): Promise<number> {
  const cases = files.filter((f) => f.startsWith('controlnet_') && f.endsWith('.safetensors'));
  if (!cases.length) return 0;
  const fetchOk = async (name: string) => {
    const res = await fetch(base + name);
    if (!res.ok) throw new Error(`${name}: HTTP ${res.status}`);
    return res;
  };
  const open = async (name: string): Promise<ModelFile> => openModelFile(new BlobSource(await (await fetchOk(name)).blob(), name));
  const json = async (name: string): Promise<Json> => (await fetchOk(name)).json() as Promise<Json>;
  let ran = 0;
  for (const f of cases) {
    const c = await open(f);
    const meta = (k: string): string | undefined => {
      const v = c.metadata.get(k);
      return typeof v === 'string' && v ? v : undefined;
    };
    const tensor = async (name: string) => {
      const t = await c.loadTensor(name, REFERENCE_POLICY);
      if (t.kind !== 'f32') throw new Error(`${f}: ${name} is not float data`);
      return t;
    };
    const weights = meta('weights');
    const controlName = meta('controlnet');
    const vaeName = meta('vae');
    if (!weights || !controlName || !vaeName) throw new Error(`${f}: __metadata__ must name "weights", "controlnet" and "vae"`);
    const cfg = ditCfg ?? parseTransformerConfig(await json('config.json'));
    const policy = weights.endsWith('.gguf') ? KEEP_POLICY : REFERENCE_POLICY;
    const dit = await loadTransformer(gpu, await open(weights), cfg, policy);
    const cfgName = meta('controlnet_config');
    const controlFile = await open(controlName);
    const controlCfg = cfgName ? parseControlConfig(await json(cfgName)) : undefined;
    const net = await loadControlNet(gpu, controlFile, cfg, controlCfg, REFERENCE_POLICY);
    const vaeJson = files.includes('vae_config.json') ? await json('vae_config.json') : {};
    const vae = await loadVae(gpu, await open(vaeName), parseVaeConfig(vaeJson), { encoder: true, convWeights: 'f32' });

    const x = await tensor('in.x');
    const [, H, W] = x.shape;
    const controlImage = await tensor('in.control_image');
    const inpaint = meta('mode') === 'inpaint';
    let images: Parameters<typeof buildControlContext>[3] = { control: controlImage.data };
    if (inpaint) {
      const mask = (await tensor('in.mask_image')).data;
      const bytes = Uint8Array.from(mask, (v) => (v >= 0.5 ? 255 : 0));
      images = { control: controlImage.data, inpaint: { image: (await tensor('in.image')).data, mask: bytes } };
    }
    const context = await buildControlContext(gpu, vae, net.cfg, images, W * 8, H * 8);
    const want = await tensor('in.control_context');
    const got = await gpu.read(context);
    report(f, 'in.control_context (ours from in.control_image)', compareArrays(got, want.data, 0).relToMax, 1e-3);

    const scale = (await tensor('in.conditioning_scale')).data[0];
    const tx = gpu.upload(x.data, x.shape, 'f32', 'in.x');
    const cap = await tensor('in.cap_feats');
    const tc = gpu.upload(cap.data, cap.shape, 'f32', 'in.cap_feats');
    const out = dit.forward(tx, tc, (await tensor('in.t')).data[0], { net, context, scale });
    const sample = await gpu.read(out);
    const ref = (await tensor('out.sample')).data;
    report(f, 'out.sample', sample.length === ref.length ? compareArrays(sample, ref, 0).relToMax : Infinity, 1e-3);
    for (const t of [tx, tc, out, context]) t.release();
    for (const m of [dit, net, vae]) m.release();
    ran++;
  }
  return ran;
}
