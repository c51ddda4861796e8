// Z-Image-Fun ControlNet configuration (VideoX-Fun `ZImageControlTransformer2DModel` transformer_additional_kwargs):
// which DiT layers get a control hint, which noise-refiner layers do (Union 2.0 / 2.1), the control input width,
// and whether the refiner hints come from the dedicated control refiner (2.1, "add_control_noise_refiner_correctly")
// or from the control layers themselves (2.0). Pure data: the memory plan and the loader share it.
import { StudioError } from '../../lib/errors.ts';
import type { ModelFile } from '../../weights/modelFile.ts';

export interface ControlConfig {
  /** Main DiT layers after which control hint j is added (ascending; layer 0 always). */
  layerPlaces: number[];
  /** Noise-refiner layers after which refiner hint j is added; empty: no refiner control (1.0). */
  refinerPlaces: number[];
  /** Control input channels: 16 (control latents) or 33 (control latents, mask, masked-image latents). */
  inDim: number;
  /** 2.1: the refiner hints come from `control_noise_refiner`; 2.0: from `control_layers` (their published quirk). */
  refinerFromControlRefiner: boolean;
}

/** The published 2.1 layout on the real 30-layer DiT (config/z_image/z_image_control_2.1.yaml). */
export const UNION_2_1: ControlConfig = {
  layerPlaces: Array.from({ length: 15 }, (_, i) => 2 * i),
  refinerPlaces: [0, 1],
  inDim: 33,
  refinerFromControlRefiner: true,
};

/** Channels of the latents the control image is encoded to (the FLUX VAE's). */
export const CONTROL_LATENT_CHANNELS = 16;

const ints = (v: unknown, what: string): number[] => {
  if (!Array.isArray(v) || !v.every((x) => Number.isInteger(x) && x >= 0)) {
    throw new StudioError('bad-model-file', `The ControlNet config field ${what} must be a list of layer indices.`);
  }
  return v as number[];
};

/**
 * A diffusers `ZImageControlNetModel` config.json (with VideoX-Fun's kwargs under
 * `_videox_fun_transformer_additional_kwargs` when present) or VideoX-Fun's own kwargs.
 */
export function parseControlConfig(json: Record<string, unknown>): ControlConfig {
  const vx = (json._videox_fun_transformer_additional_kwargs ?? json.transformer_additional_kwargs ?? {}) as Record<string, unknown>;
  const pick = (k: string) => vx[k] ?? json[k];
  const refinerPlaces = pick('control_refiner_layers_places');
  const correctly = pick('add_control_noise_refiner_correctly');
  const addRefiner = pick('add_control_noise_refiner');
  const inDim = pick('control_in_dim');
  const cfg: ControlConfig = {
    layerPlaces: ints(pick('control_layers_places'), 'control_layers_places'),
    refinerPlaces: addRefiner === false ? [] : refinerPlaces === undefined ? [] : ints(refinerPlaces, 'control_refiner_layers_places'),
    inDim: typeof inDim === 'number' ? inDim : CONTROL_LATENT_CHANNELS,
    // diffusers spells add_control_noise_refiner as the module name ("control_noise_refiner") for 2.1
    refinerFromControlRefiner: correctly === undefined ? addRefiner === 'control_noise_refiner' || addRefiner === true : correctly === true,
  };
  return checkControlConfig(cfg);
}

/**
 * The config a single-file checkpoint implies (no config.json): control layers spread evenly over the DiT's layers
 * (Union 2.x: 15 over 30 = every other layer; lite: 3 = [0, 10, 20]; 1.0: 6 = every fifth), a refiner hint after
 * each noise-refiner layer when the file has a control refiner, and 2.1's refiner semantics.
 */
export function inferControlConfig(nControlLayers: number, nControlRefiner: number, inDim: number, ditLayers: number): ControlConfig {
  if (nControlLayers < 1 || ditLayers % nControlLayers !== 0) {
    throw new StudioError('bad-model-file', `A ControlNet with ${nControlLayers} control layers does not fit a DiT of ${ditLayers} layers.`);
  }
  const stride = ditLayers / nControlLayers;
  return checkControlConfig({
    layerPlaces: Array.from({ length: nControlLayers }, (_, i) => i * stride),
    refinerPlaces: Array.from({ length: nControlRefiner }, (_, i) => i),
    inDim,
    refinerFromControlRefiner: nControlRefiner > 0,
  });
}

function checkControlConfig(c: ControlConfig): ControlConfig {
  const ascending = (a: number[]) => a.every((v, i) => i === 0 || v > a[i - 1]);
  if (c.layerPlaces[0] !== 0 || !ascending(c.layerPlaces) || !ascending(c.refinerPlaces)) {
    throw new StudioError('bad-model-file', 'The ControlNet config must list ascending control layers starting at layer 0.');
  }
  if (c.inDim !== CONTROL_LATENT_CHANNELS && c.inDim !== 2 * CONTROL_LATENT_CHANNELS + 1) {
    throw new StudioError('bad-model-file', `The ControlNet takes ${c.inDim} input channels; only 16 (control) and 33 (control and inpaint) are known.`);
  }
  return c;
}

/** Whether the ControlNet has the inpaint channels (mask and masked-image latents beside the control latents). */
export const supportsInpaint = (c: ControlConfig) => c.inDim === 2 * CONTROL_LATENT_CHANNELS + 1;

/** Prefixes a ControlNet's names may carry inside a bigger checkpoint (none in the published file). */
const PREFIXES = ['', 'model.diffusion_model.', 'diffusion_model.', 'transformer.'];
export const CONTROL_EMBED = 'control_all_x_embedder.2-1.weight';
const EMBED = CONTROL_EMBED;

/** The name prefix a ControlNet file uses, or null when the file holds no Z-Image ControlNet. */
export function controlPrefix(names: Iterable<string>): string | null {
  const all = new Set(names);
  return PREFIXES.find((p) => all.has(p + EMBED)) ?? null;
}

export const countStage = (names: Iterable<string>, stage: string): number => {
  let n = 0;
  const re = new RegExp(`(?:^|\\.)${stage}\\.(\\d+)\\.`);
  for (const k of names) {
    const m = k.match(re);
    if (m) n = Math.max(n, Number(m[1]) + 1);
  }
  return n;
};

/** The config the file's shapes imply on a DiT of `ditLayers` layers (single-file checkpoints ship no config). */
export function controlConfigFromFile(file: ModelFile, ditLayers: number): ControlConfig {
  const prefix = controlPrefix(file.tensors.keys());
  if (prefix === null) throw new StudioError('bad-model-file', 'This file is not a Z-Image ControlNet: it has no control_all_x_embedder.');
  const names = [...file.tensors.keys()];
  const embed = file.tensors.get(prefix + EMBED)!; // (D, p*p*Cc)
  return inferControlConfig(countStage(names, 'control_layers'), countStage(names, 'control_noise_refiner'), embed.shape[1] / 4, ditLayers);
}
