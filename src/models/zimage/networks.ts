// The loaded networks of one Z-Image set, as the pipelines use them.
import type { Gpu } from '../../engine/gpu.ts';
import type { AutoencoderKL } from './autoencoder.ts';
import type { ZImageControlNet } from './control.ts';
import type { Qwen3TextEncoder } from './textEncoder.ts';
import type { ZImageTokenizer } from './tokenizer.ts';
import type { ZImageTransformer } from './transformer.ts';

export interface ZImageNetworks {
  gpu: Gpu;
  tokenizer: ZImageTokenizer;
  /** Loaded on demand: low-memory mode releases it after encoding. */
  textEncoder: () => Promise<Qwen3TextEncoder>;
  releaseTextEncoder: () => void;
  transformer: ZImageTransformer;
  vae: AutoencoderKL;
  shift: number;
  /** The stored ControlNet, loaded on first use (about 2.3 GB as INT4), or null when none is stored. */
  controlNet?: () => Promise<ZImageControlNet | null>;
}
