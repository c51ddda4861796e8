// Qwen3 as a causal language model (the prompt enhancer): the text encoder's decoder layers, all n_layers of them,
// then the final RMSNorm and the tied head (logits = norm(h) · embed_tokensᵀ). Prefill runs the prompt in one
// pass and fills a KV cache; each decode step runs one token against it.
//
// KV cache: per layer two f32 buffers (capacity, kvHeads·hd), row p = position p, keys after QK-norm and RoPE —
// exactly the (Lk, kvHeads·hd) layout attention reads, so a step attends to a prefix view of the buffers with no
// gather. Qwen3-4B: 36 layers · 2 · 8·128 · 4 bytes = 288 KiB per position. Decode attention is the flash kernel
// with Lq = 1 (or L new rows) and Lk = pos + L, causal with the queries as the last positions (attention.ts).
import type { Gpu } from '../../engine/gpu.ts';
import type { WeightParts } from '../../engine/kernels/matmul.ts';
import * as ops from '../../engine/ops.ts';
import { scope } from '../../engine/scope.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { StudioError } from '../../lib/errors.ts';
import { Rng } from '../../lib/rng.ts';
import type { TextEncoderConfig } from './config.ts';
import { qwenRope } from './rope.ts';
import { type SamplingOptions, sampleToken } from './sampling.ts';
import { type EmbeddingLookup, qwen3Layer, type Qwen3LayerWeights } from './textEncoder.ts';

export interface Qwen3LmWeights {
  embed: EmbeddingLookup;
  /** All n_layers decoder layers. */
  layers: Qwen3LayerWeights[];
  /** (hidden) model.norm.weight. */
  norm: Tensor;
  /** (vocab, hidden) the token table as the output matrix, in row chunks that fit a storage binding. */
  head: WeightParts;
}

export class KvCache {
  readonly k: Tensor[] = []; // per layer (capacity, kvHeads·hd)
  readonly v: Tensor[] = [];
  /** Positions filled. */
  length = 0;

  constructor(
    gpu: Gpu,
    cfg: TextEncoderConfig,
    readonly capacity: number, // positions
  ) {
    const width = cfg.nKvHeads * cfg.headDim;
    for (let i = 0; i < cfg.nLayers; i++) {
      this.k.push(gpu.empty([capacity, width], 'f32', `kv.k${i}`));
      this.v.push(gpu.empty([capacity, width], 'f32', `kv.v${i}`));
    }
  }

  release(): void {
    for (const t of [...this.k, ...this.v]) t.release();
  }
}

export interface GenerateOptions {
  maxNewTokens: number;
  sampling: SamplingOptions;
  seed: number;
  /** Generation ends before emitting any of these (e.g. <|im_end|>). */
  stopIds?: readonly number[];
  /** Called with each new token (not the stop token) before the next step runs. */
  onToken?: (id: number, index: number) => void;
  /** Throws to stop (cancel); called before every step. */
  checkCancelled?: () => void;
  /** Sees the logits (vocab) each decode step i consumed (golden checks); step -1 is the prefill's last row. */
  onLogits?: (step: number, logits: Float32Array) => void;
}

export interface GenerateResult {
  ids: number[];
  stopped: boolean; // a stop token ended it
  promptTokens: number;
  prefillMs: number;
  decodeMs: number; // all decode steps together
}

export class Qwen3Lm {
  constructor(
    readonly gpu: Gpu,
    readonly cfg: TextEncoderConfig,
    readonly w: Qwen3LmWeights,
  ) {
    if (w.layers.length !== cfg.nLayers) throw new RangeError(`Qwen3Lm: ${w.layers.length} layers given, the config has ${cfg.nLayers}`);
  }

  newCache(capacity: number): KvCache {
    return new KvCache(this.gpu, this.cfg, capacity);
  }

  /**
   * Runs `ids` at positions cache.length .. + L - 1, appending their keys and values to the cache, and returns the
   * logits (L, vocab) of every row (`allRows`) or (1, vocab) of the last. The caller releases the result.
   */
  async forward(ids: Int32Array, cache: KvCache, allRows = false): Promise<Tensor> {
    const { hiddenSize, headDim: hd, rmsNormEps: eps, ropeTheta, vocabSize } = this.cfg;
    const L = ids.length;
    if (L < 1) throw new RangeError('Qwen3Lm.forward: no tokens');
    for (const id of ids) if (id < 0 || id >= vocabSize) throw new RangeError(`token id ${id} outside the vocabulary (${vocabSize})`);
    const pos = cache.length;
    if (pos + L > cache.capacity) throw new StudioError('limits', `The prompt and answer need ${pos + L} tokens, more than the ${cache.capacity} this run allows; shorten the prompt.`);
    const gpu = this.gpu;
    const embedded = await this.w.embed(ids); // (L, hidden) floats: the last await; the rest is one scope
    const tables = qwenRope(hd, ropeTheta, L, pos);
    const logits = gpu.scope(() => {
      const h = gpu.upload(embedded, [L, hiddenSize], 'f32', 'lm-embed'); // (L, hidden)
      const cos = gpu.upload(tables.cos, [L, hd / 2], 'f32', 'lm-rope-cos'); // (L, hd/2)
      const sin = gpu.upload(tables.sin, [L, hd / 2], 'f32', 'lm-rope-sin');
      return gpu.run((b) => {
        this.w.layers.forEach((lw, i) => qwen3Layer(b, h, lw, { cos, sin }, this.cfg, { k: cache.k[i], v: cache.v[i], pos }));
        const hn = scope(() => {
          let rows = h;
          if (!allRows && L > 1) {
            rows = gpu.empty([1, hiddenSize], 'f32', 'lm-last'); // (1, hidden)
            b.copy(h.data, (L - 1) * hiddenSize * 4, rows.data, 0, hiddenSize * 4);
          }
          return ops.rmsNorm(b, rows, { weight: this.w.norm, eps }); // (M, hidden); the copied row dies here
        });
        return ops.matmul(b, hn, this.w.head); // (M, vocab)
      }, 'lm-forward');
    });
    cache.length = pos + L;
    return logits;
  }

  /** Logits (vocab) of the last row of `ids`, read back. */
  async nextLogits(ids: Int32Array, cache: KvCache): Promise<Float32Array> {
    const t = await this.forward(ids, cache);
    try {
      return await this.gpu.read(t);
    } finally {
      t.release();
    }
  }

  /** Prefill, then token by token until a stop token, maxNewTokens, or a cancel. The cache lives only in here. */
  async generate(prompt: Int32Array, opts: GenerateOptions): Promise<GenerateResult> {
    const rng = new Rng(opts.seed);
    const stop = new Set(opts.stopIds ?? []);
    const cache = this.newCache(prompt.length + opts.maxNewTokens);
    const ids: number[] = [];
    let stopped = false;
    try {
      opts.checkCancelled?.();
      const t0 = performance.now();
      let logits = await this.nextLogits(prompt, cache);
      opts.onLogits?.(-1, logits);
      const prefillMs = performance.now() - t0;
      const t1 = performance.now();
      for (let i = 0; i < opts.maxNewTokens; i++) {
        opts.checkCancelled?.();
        const id = sampleToken(logits, opts.sampling, rng);
        if (stop.has(id)) {
          stopped = true;
          break;
        }
        ids.push(id);
        opts.onToken?.(id, i);
        if (i + 1 === opts.maxNewTokens) break;
        logits = await this.nextLogits(Int32Array.of(id), cache);
        opts.onLogits?.(i, logits);
      }
      return { ids, stopped, promptTokens: prompt.length, prefillMs, decodeMs: performance.now() - t1 };
    } finally {
      cache.release();
    }
  }
}
