// Loads a Z-Image-Fun ControlNet (alibaba-pai Z-Image-Turbo-Fun-Controlnet-Union, a single safetensors of
// control_all_x_embedder, control_noise_refiner.N and control_layers.N) onto the GPU, in the import policy's
// precision: q4 block matrices, q8 adaLN and before/after projections under the default policy (policy.ts roles).
import type { Gpu } from '../../engine/gpu.ts';
import { StudioError } from '../../lib/errors.ts';
import type { ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, type ImportPolicy } from '../../weights/policy.ts';
import type { TransformerConfig } from './config.ts';
import { ZImageControlNet, type ControlBlockWeights } from './control.ts';
import { type ControlConfig, CONTROL_EMBED as EMBED, controlConfigFromFile, controlPrefix, countStage as count } from './controlConfig.ts';
import { guarded, type LoadProgress, Uploader } from './load.ts';

export async function loadControlNet(
  gpu: Gpu,
  file: ModelFile,
  dit: TransformerConfig,
  cfg: ControlConfig = controlConfigFromFile(file, dit.nLayers),
  policy: ImportPolicy = DEFAULT_POLICY,
  onProgress?: LoadProgress,
): Promise<ZImageControlNet> {
  const prefix = controlPrefix(file.tensors.keys());
  if (prefix === null) throw new StudioError('bad-model-file', 'This file is not a Z-Image ControlNet: it has no control_all_x_embedder.');
  const embed = file.tensors.get(prefix + EMBED)!;
  if (embed.shape[0] !== dit.dim || embed.shape[1] !== dit.patchSize * dit.patchSize * cfg.inDim) {
    throw new StudioError('bad-model-file', `The ControlNet is [${embed.shape}] wide, which does not fit this ${dit.dim}-wide Z-Image DiT.`);
  }
  const nRefiner = count(file.tensors.keys(), 'control_noise_refiner');
  const nLayers = count(file.tensors.keys(), 'control_layers');
  if (nLayers !== cfg.layerPlaces.length || cfg.layerPlaces.some((l) => l >= dit.nLayers) || cfg.refinerPlaces.some((l) => l >= dit.nRefinerLayers)) {
    throw new StudioError('bad-model-file', `The ControlNet has ${nLayers} control layers, which its config does not place on this DiT's ${dit.nLayers} layers.`);
  }
  const up = new Uploader(gpu, file, policy, file.tensors.size, onProgress);
  return guarded(up, async () => {
    const get = (n: string) => up.get(prefix + n);
    const has = (n: string) => file.tensors.has(prefix + n);
    const block = async (p: string): Promise<ControlBlockWeights> => ({
      toQ: await get(`${p}.attention.to_q.weight`),
      toK: await get(`${p}.attention.to_k.weight`),
      toV: await get(`${p}.attention.to_v.weight`),
      toOut: await get(`${p}.attention.to_out.0.weight`),
      normQ: await get(`${p}.attention.norm_q.weight`),
      normK: await get(`${p}.attention.norm_k.weight`),
      w1: await get(`${p}.feed_forward.w1.weight`),
      w2: await get(`${p}.feed_forward.w2.weight`),
      w3: await get(`${p}.feed_forward.w3.weight`),
      attentionNorm1: await get(`${p}.attention_norm1.weight`),
      attentionNorm2: await get(`${p}.attention_norm2.weight`),
      ffnNorm1: await get(`${p}.ffn_norm1.weight`),
      ffnNorm2: await get(`${p}.ffn_norm2.weight`),
      adaLN: { w: await get(`${p}.adaLN_modulation.0.weight`), b: await get(`${p}.adaLN_modulation.0.bias`) },
      beforeProj: has(`${p}.before_proj.weight`) ? { w: await get(`${p}.before_proj.weight`), b: await get(`${p}.before_proj.bias`) } : null,
      afterProj: { w: await get(`${p}.after_proj.weight`), b: await get(`${p}.after_proj.bias`) },
    });
    const refiner: ControlBlockWeights[] = [];
    // 2.0 files carry a control refiner they never run (their refiner hints come from the control layers)
    if (cfg.refinerPlaces.length && cfg.refinerFromControlRefiner) for (let i = 0; i < nRefiner; i++) refiner.push(await block(`control_noise_refiner.${i}`));
    const layers: ControlBlockWeights[] = [];
    for (let i = 0; i < nLayers; i++) layers.push(await block(`control_layers.${i}`));
    const w = { embedW: await get('control_all_x_embedder.2-1.weight'), embedB: await get('control_all_x_embedder.2-1.bias'), refiner, layers };
    if (cfg.refinerPlaces.length && cfg.refinerFromControlRefiner && refiner.length < cfg.refinerPlaces.length) {
      throw new StudioError('bad-model-file', `The ControlNet has ${refiner.length} control refiner blocks but its config places ${cfg.refinerPlaces.length} refiner hints.`);
    }
    if (!layers[0].beforeProj) throw new StudioError('bad-model-file', 'The ControlNet has no before_proj on its first control layer.');
    return new ZImageControlNet(cfg, w, up.loaded);
  });
}
