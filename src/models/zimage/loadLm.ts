// What Qwen3 as a causal LM needs beyond the text encoder (loadTextEncoder holds n_layers - 1 layers): the last
// decoder layer(s), model.norm.weight, and the token table on the GPU as the tied output head. GGUF tables stay in
// their stored block format (Q6_K in the published files: the matmul kernels read the blocks); float tables take the
// import policy's embedding format (f16 by default, f32 in reference mode, q8/q4 if asked). The table is split into
// row chunks that each fit one storage binding (matmul takes the chunks as one weight).
import type { Gpu } from '../../engine/gpu.ts';
import { splitRows } from '../../engine/kernels/matmul.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { codeWordsPerRow, ggmlRowBytes, paramWordsPerBlock, QUANT_BLOCK } from '../../engine/formats.ts';
import { StudioError } from '../../lib/errors.ts';
import type { LoadedTensor, ModelFile } from '../../weights/modelFile.ts';
import { DEFAULT_POLICY, type ImportPolicy } from '../../weights/policy.ts';
import type { TextEncoderConfig } from './config.ts';
import { guarded, loadQwen3Layer, type LoadProgress, Uploader } from './load.ts';
import { EMBED_TABLE, headFormat, TEXT_ENCODER_LAYER_TENSORS } from './loadLayout.ts';
import { Qwen3Lm } from './qwen3Lm.ts';
import type { Qwen3TextEncoder } from './textEncoder.ts';

/** The LM on top of a loaded text encoder: borrows its layers and token lookup; owns what it adds. */
export interface LmParts {
  lm: Qwen3Lm;
  /** Releases what the LM added (last layer, final norm, head table); the text encoder's layers stay. */
  release(): void;
}

/** Uploads `t` (rows, cols) as row chunks that each fit a storage binding, pushed to `out` as they are made. */
function uploadChunks(gpu: Gpu, t: LoadedTensor, label: string, out: Tensor[]): Tensor[] {
  const [rows, cols] = [t.shape[0], t.shape[t.shape.length - 1]];
  const max = gpu.limits.maxStorageBufferBindingSize;
  const first = out.length;
  let r0 = 0;
  const dtype = t.kind === 'blocks' ? t.dtype : t.kind === 'quant' ? t.q.type : t.kind === 'f16' ? 'f16' : 'f32';
  const paramType = t.kind === 'quant' ? t.q.paramType : 'f16';
  for (const n of splitRows(rows, cols, dtype, max, paramType)) {
    const name = `${label}[${r0}:${r0 + n}]`;
    if (t.kind === 'blocks') {
      const rb = ggmlRowBytes(t.dtype, cols); // bytes per row
      out.push(gpu.uploadBlocks(t.dtype, t.bytes.subarray(r0 * rb, (r0 + n) * rb), [n, cols], name));
    } else if (t.kind === 'f16') out.push(gpu.uploadHalfBits(t.data.subarray(r0 * cols, (r0 + n) * cols), [n, cols], name));
    else if (t.kind === 'f32') out.push(gpu.upload(t.data.subarray(r0 * cols, (r0 + n) * cols), [n, cols], 'f32', name));
    else if (t.kind === 'quant') {
      const cw = codeWordsPerRow(t.q.type, cols); // u32 words of codes per row
      const pw = (cols / QUANT_BLOCK) * paramWordsPerBlock(t.q.paramType); // u32 words of params per row
      const q = { ...t.q, rows: n, codes: t.q.codes.subarray(r0 * cw, (r0 + n) * cw), params: t.q.params.subarray(r0 * pw, (r0 + n) * pw) };
      out.push(gpu.uploadQuant(q, name));
    } else throw new StudioError('bad-model-file', `${label}: integer tensors are not weights.`);
    r0 += n;
  }
  return out.slice(first);
}

/**
 * Loads the LM's extra weights and wraps the text encoder's layers with them. The head table is the largest tensor
 * the studio uploads after the DiT (Qwen3-4B: 319 MB as Q6_K, 778 MB as f16); release it when the enhancer is done.
 */
export async function loadLmParts(gpu: Gpu, file: ModelFile, cfg: TextEncoderConfig, te: Qwen3TextEncoder, policy: ImportPolicy = DEFAULT_POLICY, onProgress?: LoadProgress): Promise<LmParts> {
  const from = te.w.layers.length;
  const table = file.tensors.get(EMBED_TABLE);
  if (!table) throw new StudioError('bad-model-file', 'The text encoder file has no token embedding table, so it cannot run as a language model.');
  const missing = ['model.norm.weight', ...Array.from({ length: cfg.nLayers - from }, (_, i) => `model.layers.${from + i}.input_layernorm.weight`)].filter((n) => !file.tensors.has(n));
  if (missing.length) throw new StudioError('bad-model-file', `The text encoder file lacks ${missing.join(', ')}, which the prompt enhancer needs (it holds only the layers image generation uses).`);
  const up = new Uploader(gpu, file, policy, (cfg.nLayers - from) * TEXT_ENCODER_LAYER_TENSORS.length + 2, onProgress);
  return guarded(up, async () => {
    const extra = [];
    for (let i = from; i < cfg.nLayers; i++) extra.push(await loadQwen3Layer(up, i));
    const norm = await up.get('model.norm.weight');
    gpu.assertAlive();
    const loaded = await file.loadTensor(EMBED_TABLE, { ...policy, embedding: headFormat(table.dtype, policy) });
    // Chunks join up.loaded as they are made, so a failure releases them with the rest.
    const head = await gpu.checked(EMBED_TABLE, table.byteLength, () => uploadChunks(gpu, loaded, 'lm-head', up.loaded));
    up.onProgress?.(++up.done, up.total, EMBED_TABLE);
    const lm = new Qwen3Lm(gpu, cfg, { embed: te.w.embed, layers: [...te.w.layers, ...extra], norm, head });
    return { lm, release: () => up.releaseAll() };
  });
}

/** Whether this file has everything the LM needs (all layers, the final norm, the table). */
export function canRunLm(file: ModelFile, cfg: TextEncoderConfig): boolean {
  return file.tensors.has(EMBED_TABLE) && file.tensors.has('model.norm.weight') && file.tensors.has(`model.layers.${cfg.nLayers - 1}.input_layernorm.weight`);
}
