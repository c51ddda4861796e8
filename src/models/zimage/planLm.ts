// The prompt enhancer's memory, from the file headers alone (the lead's plan files weigh generation; this adds the
// LM): what loadLmParts uploads on top of the loaded text encoder (the layers it lacks, the final norm, the token
// table as the head in its load format), the KV cache for a context, and the per-token bytes a decode step reads.
import type { ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, formatFor, type ImportPolicy } from '../../weights/policy.ts';
import { storedTensor } from '../../weights/storedFormat.ts';
import { layersNeeded, type TextEncoderConfig } from './config.ts';
import { EMBED_TABLE, headFormat, TEXT_ENCODER_LAYER_TENSORS } from './loadLayout.ts';

export interface LmBytes {
  /** GPU bytes the LM adds to the loaded text encoder (extra layers, final norm, head table). */
  extra: number;
  /** Of which the head table. */
  head: number;
  /** KV cache at `contextTokens` (f32 keys and values of every layer). */
  kvCache: number;
  /** Largest activations of a prefill at `contextTokens` (logits row, attention and FFN rows; f32). */
  activations: number;
  /** GPU bytes while the enhancer runs, text encoder layers included: the LM's peak. */
  peak: number;
  /** Bytes a decode step reads: every layer's weights, the head table, and the KV cache filled so far (at capacity). */
  perTokenRead: number;
}

export function weighLm(f: ModelFile, cfg: TextEncoderConfig, contextTokens: number, policy: ImportPolicy = DEFAULT_POLICY): LmBytes {
  const gpuBytes = (name: string, wanted = formatFor(policy, f.tensors.get(name)!.role)) => {
    const t = f.tensors.get(name);
    if (!t) throw new RangeError(`plan: ${name} is not in the file`);
    return storedTensor(t, wanted).gpuBytes;
  };
  let teLayers = 0;
  let extra = 0;
  for (let i = 0; i < cfg.nLayers; i++) {
    let n = 0;
    for (const s of TEXT_ENCODER_LAYER_TENSORS) n += gpuBytes(`model.layers.${i}.${s}`);
    if (i < layersNeeded(cfg)) teLayers += n;
    else extra += n;
  }
  const table = f.tensors.get(EMBED_TABLE);
  if (!table) throw new RangeError(`plan: ${EMBED_TABLE} is not in the file`);
  const head = gpuBytes(EMBED_TABLE, headFormat(table.dtype, policy));
  extra += head + gpuBytes('model.norm.weight');
  const kvCache = cfg.nLayers * 2 * contextTokens * cfg.nKvHeads * cfg.headDim * 4;
  const L = contextTokens;
  const rows = Math.max(cfg.hiddenSize * 3, cfg.nHeads * cfg.headDim * 2 + cfg.nKvHeads * cfg.headDim * 2, cfg.intermediateSize + cfg.hiddenSize * 2);
  const activations = L * rows * 4 + cfg.vocabSize * 4;
  return { extra, head, kvCache, activations, peak: teLayers + extra + kvCache + activations, perTokenRead: teLayers + extra + kvCache };
}
