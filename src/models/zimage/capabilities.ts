// The one rule for what a loaded set can do: the catalog's record (lib/capabilities.ts) says it, and the loaded
// files override it only where they prove it: a DiT without SigLIP weights cannot run the omni path (and one with
// them can), a ControlNet is usable only when the set stores one, and the tokenizer, not the record, cuts prompts.
import type { SetCapabilities } from '../../lib/capabilities.ts';
import type { ModelCapabilities } from '../../worker/protocol.ts';
import { hasOmniInputs, type TransformerConfig } from './config.ts';
import type { SetFiles } from './openSet.ts';
import { MAX_TOKENS } from './tokenizer.ts';

/** What the loaded files prove. */
export interface LoadedFacts {
  /** The DiT has SigLIP embedder and refiner weights (siglip_feat_dim). */
  siglip: boolean;
  /** The set stores ControlNet weights. */
  controlNet: boolean;
  /** Prompt tokens the tokenizer keeps (tokenizer.ts MAX_TOKENS). */
  tokenLimit: number;
}

/** The protocol's capabilities (what the UI sees), every field known once a set is loaded. */
export type LoadedCapabilities = Required<ModelCapabilities>;

export function loadedCapabilities(record: SetCapabilities, facts: LoadedFacts): LoadedCapabilities {
  return {
    guidance: record.guidance,
    defaultSteps: record.defaultSteps,
    omni: facts.siglip,
    maxTokens: facts.tokenLimit,
    controlNet: facts.controlNet,
  };
}

/** A set's capabilities once its DiT (of config `dit`) is loaded: what loadZImage reports. */
export function capabilitiesOf(set: Pick<SetFiles, 'capabilities' | 'files'>, dit: Pick<TransformerConfig, 'siglipFeatDim'>): LoadedCapabilities {
  return loadedCapabilities(set.capabilities, { siglip: hasOmniInputs(dit), controlNet: (set.files.controlnet?.length ?? 0) > 0, tokenLimit: MAX_TOKENS });
}
