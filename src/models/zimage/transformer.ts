// ZImageTransformer2DModel on the engine (zimage-spec §5): patchify and embed, noise and context refiners, the
// main single-stream layers with tanh-gated adaLN modulation, FinalLayer, unpatchify. Standard mode; the omni
// mode's sequence building lives in omni.ts and reuses the blocks here.
import type { Batch, Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { keep, scope } from '../../engine/scope.ts';
import { selfAttention } from './selfAttention.ts';
import { Tensor } from '../../engine/tensor.ts';
import { headDim, type TransformerConfig } from './config.ts';
import { FREQ_DIM } from './shapes.ts';
import { dit3AxisRope, type RopeTables } from './rope.ts';
import { standardLayout } from './sequence.ts';
import type { LoraStack } from './lora.ts';
import { linear, swiglu } from './loraApply.ts';
import { type ControlInput, ControlRun } from './control.ts';

export interface BlockWeights {
  toQ: Tensor; // (D, D)
  toK: Tensor;
  toV: Tensor;
  toOut: Tensor; // (D, D)
  normQ: Tensor; // (hd)
  normK: Tensor;
  w1: Tensor; // (F, D)
  w2: Tensor; // (D, F)
  w3: Tensor; // (F, D)
  attentionNorm1: Tensor; // (D)
  attentionNorm2: Tensor;
  ffnNorm1: Tensor;
  ffnNorm2: Tensor;
  /** adaLN_modulation.0: (4D, adaLN) + bias (4D) -> scale_msa | gate_msa | scale_mlp | gate_mlp, read by offset. */
  adaLN: { w: Tensor; b: Tensor } | null;
}

export interface TransformerWeights {
  xEmbedW: Tensor; // (D, p*p*C)
  xEmbedB: Tensor; // (D)
  tEmbed: { w1: Tensor; b1: Tensor; w2: Tensor; b2: Tensor }; // (1024, 256), (256, 1024)
  capNorm: Tensor; // (capFeatDim)
  capEmbedW: Tensor; // (D, capFeatDim)
  capEmbedB: Tensor; // (D)
  xPadToken: Float32Array; // (D), kept on the CPU: pads are uploaded per sequence
  capPadToken: Float32Array; // (D)
  final: { adaW: Tensor; adaB: Tensor; linW: Tensor; linB: Tensor }; // (D, 256), (p*p*C, D)
  noiseRefiner: BlockWeights[];
  contextRefiner: BlockWeights[];
  layers: BlockWeights[];
  /** Omni checkpoints only (siglip_feat_dim set): SigLIP feature embedder, pad token and refiner. */
  siglip: { norm: Tensor; w: Tensor; b: Tensor; padToken: Float32Array; refiner: BlockWeights[] } | null;
}

/** A caption embedded, padded and refined (ZImageTransformer.prepareCaption): owned by the caller. */
export interface PreparedCaption {
  /** (padded caption length, D) */
  tokens: Tensor;
  /** Caption tokens before padding. */
  length: number;
}

/** Per-token adaLN inputs: `temb` (G, adaLN) and, when G > 1, a row selector: token i reads temb row rowSel[i]. */
export interface Modulation {
  temb: Tensor; // (G, 256)
  rowSel?: Tensor; // (M) u32 rows of temb
}

export class ZImageTransformer {
  constructor(
    readonly gpu: Gpu,
    readonly cfg: TransformerConfig,
    readonly w: TransformerWeights,
    /** Every GPU tensor the weights hold, released together. */
    private readonly owned: Tensor[] = [],
  ) {}

  /** RoPE tables and pad-token blocks by content: a generation's 8 steps reuse one upload (bounded, see remember()). */
  private readonly constants = new Map<string, Tensor>();

  /** The active LoRAs' stacked deltas (lora.ts), or null: every block reads its own from here. Owned by the caller. */
  lora: LoraStack | null = null;

  release(): void {
    for (const t of this.owned) t.release();
    for (const t of this.constants.values()) t.release();
    this.constants.clear();
  }

  /** A tensor built once per key and kept (the 32 most recent, out of any scope) until the weights are released. */
  private remember(key: string, make: () => Tensor): Tensor {
    let t = this.constants.get(key);
    if (t) {
      this.constants.delete(key); // re-insert: most recent last
      this.constants.set(key, t);
      return t;
    }
    t = keep(make());
    this.constants.set(key, t);
    if (this.constants.size > 32) {
      const [oldKey, old] = this.constants.entries().next().value as [string, Tensor];
      this.constants.delete(oldKey);
      old.release(); // any batch that read it was submitted already: gpu.run submits as it returns
    }
    return t;
  }

  get headDim(): number {
    return headDim(this.cfg);
  }

  /** temb = W2 · SiLU(W1 · sinusoid(t_scale · t) + b1) + b2 for each t: (T, 256). */
  timestepEmbed(b: Batch, ts: number[]): Tensor {
    const e = this.w.tEmbed;
    return scope(() => {
      const sin = ops.timestepEmbedding(b, ts.map((t) => t * this.cfg.tScale), FREQ_DIM); // (T, 256)
      const h = ops.silu(b, ops.matmul(b, sin, e.w1, { bias: e.b1 })); // (T, 1024)
      return ops.matmul(b, h, e.w2, { bias: e.b2 }); // (T, 256)
    });
  }

  /**
   * One ZImageTransformerBlock over x (L, D), in place: x is updated and returned. Each branch is its own scope, so
   * the attention's temporaries are back in the pool before the feed-forward allocates its (L, F) hidden state.
   */
  block(b: Batch, blk: BlockWeights, x: Tensor, rope: { cos: Tensor; sin: Tensor }, mod: Modulation | null): Tensor {
    const { dim: D, nHeads: H, nKvHeads: Hkv, normEps: eps } = this.cfg;
    const hd = this.headDim;
    const lo = this.lora?.blocks.get(blk);
    return scope(() => {
      const m4 = blk.adaLN && mod ? linear(b, mod.temb, blk.adaLN.w, lo?.adaLN, blk.adaLN.b) : null; // (G, 4D)
      const rowSel = m4 ? mod?.rowSel : undefined;
      const scale = m4 ?? undefined;

      // attention branch: x += gate_msa * attention_norm2(attention(attention_norm1(x) * (1 + scale_msa)))
      scope(() => {
        const xn = ops.rmsNorm(b, x, { weight: blk.attentionNorm1, eps, scale, scaleOffset: 0, rowSel }); // (L, D)
        const qkv = { q: blk.toQ, k: blk.toK, v: blk.toV, qNorm: blk.normQ, kNorm: blk.normK, lora: lo && { q: lo.toQ, k: lo.toK, v: lo.toV } };
        const a = selfAttention(b, xn, qkv, rope, { heads: H, kvHeads: Hkv, headDim: hd, eps, rope: 'complex' }); // (L, H*hd)
        const o = linear(b, a, blk.toOut, lo?.toOut); // (L, D)
        this.residual(b, x, ops.rmsNorm(b, o, { weight: blk.attentionNorm2, eps }), m4, D, rowSel);
      });

      // feed-forward branch: x += gate_mlp * ffn_norm2(w2(silu(w1 xf) * w3 xf)), xf = ffn_norm1(x) * (1 + scale_mlp)
      scope(() => {
        const xf = ops.rmsNorm(b, x, { weight: blk.ffnNorm1, eps, scale, scaleOffset: 2 * D, rowSel }); // (L, D)
        const hgate = swiglu(b, xf, blk.w1, blk.w3, lo?.w1, lo?.w3); // (L, F)
        const f = linear(b, hgate, blk.w2, lo?.w2); // (L, D)
        this.residual(b, x, ops.rmsNorm(b, f, { weight: blk.ffnNorm2, eps }), m4, 3 * D, rowSel);
      });
      return x;
    });
  }

  /** x += tanh(gate) * y (modulated) or x += y (context refiner), in place. */
  private residual(b: Batch, x: Tensor, y: Tensor, gate: Tensor | null, gateOffset: number, rowSel: Tensor | undefined): void {
    if (gate) ops.gatedResidual(b, x, y, gate, { rowSel, gateOffset, inPlace: true });
    else ops.add(b, x, y, { inPlace: true });
  }

  /**
   * The caption's part of every forward: embedded, padded and through the (unmodulated) context refiner. It does
   * not depend on the latents or the timestep, so a generation prepares it once and passes it to each step.
   */
  prepareCaption(capFeats: Tensor): PreparedCaption {
    const gpu = this.gpu;
    const layout = standardLayout(capFeats.shape[0], 1, 1); // the caption's part does not depend on the image grid
    const capRope = this.uploadRope([layout.capPositions]);
    const c = gpu.run((b) => {
      const ce = scope(() => ops.matmul(b, ops.rmsNorm(b, capFeats, { weight: this.w.capNorm, eps: this.cfg.normEps }), this.w.capEmbedW, { bias: this.w.capEmbedB })); // (Lc, D)
      return this.padRows(b, ce, layout.capPadded, this.w.capPadToken); // (Lc_pad, D)
    }, 'dit-caption');
    for (const blk of this.w.contextRefiner) gpu.run((b) => this.block(b, blk, c, capRope, null), 'dit-context-refiner');
    return { tokens: c, length: capFeats.shape[0] };
  }

  /**
   * The standard forward pass: latents (C, H, W) at model time t (= 1 - sigma), from caption features (Lc, capDim) or
   * a prepared caption -> the raw model output (C, H, W) (the pipeline negates it into a velocity). With
   * `control`, the ControlNet's hints are added at their layers (control.ts).
   */
  forward(latents: Tensor, caption: Tensor | PreparedCaption, t: number, control?: ControlInput): Tensor {
    const gpu = this.gpu;
    const { inChannels: C, patchSize: p } = this.cfg;
    const [, Hl, Wl] = latents.shape;
    const gridH = Hl / p;
    const gridW = Wl / p;
    return gpu.scope(() => {
      const prepared = caption instanceof Tensor ? this.prepareCaption(caption) : caption;
      const layout = standardLayout(prepared.length, gridH, gridW);
      const rope = this.uploadRope([layout.imagePositions, layout.capPositions]); // cached: kept out of the scope
      const imgRope = this.uploadRope([layout.imagePositions]);
      const [temb, x] = gpu.run((b) => [this.timestepEmbed(b, [t]), this.embedImage(b, latents, layout.imagePadded)], 'dit-embed'); // (1, 256), (Limg, D)
      const mod: Modulation = { temb };
      const ctl = control ? new ControlRun(this, control, mod) : null;
      try {
        ctl?.beginRefiner(x, imgRope);
        this.w.noiseRefiner.forEach((blk, i) => {
          gpu.run((b) => this.block(b, blk, x, imgRope, mod), 'dit-noise-refiner');
          ctl?.afterNoiseRefiner(i, x);
        });
        const u = gpu.run((b) => ops.concatRows(b, [x, prepared.tokens])); // (Limg + Lcap, D)
        // x (and a caption prepared here) are done: their buffers go back before the main layers run
        x.release();
        ctl?.beginLayers(u, prepared.tokens, rope);
        if (prepared !== caption) prepared.tokens.release();
        this.w.layers.forEach((blk, i) => {
          gpu.run((b) => this.block(b, blk, u, rope, mod), 'dit-layer');
          ctl?.afterLayer(i, u);
        });
        return gpu.run((b) => this.finalLayer(b, u, 0, temb, [C, Hl, Wl]), 'dit-final'); // (C, H, W)
      } finally {
        ctl?.release(); // the control branch holds its streams out of the scope (control.ts)
      }
    });
  }

  /** Latents (C, H, W) patchified and embedded, padded with the learned pad token to `padded` rows: (padded, D). */
  embedImage(b: Batch, latents: Tensor, padded: number): Tensor {
    const { inChannels: C, patchSize: p } = this.cfg;
    const [, H, W] = latents.shape;
    const xe = scope(() => {
      const patches = ops.patchify(b, latents, { channels: C, height: H, width: W, patch: p }); // (Ht*Wt, p*p*C)
      return ops.matmul(b, patches, this.w.xEmbedW, { bias: this.w.xEmbedB }); // (Ht*Wt, D)
    });
    return this.padRows(b, xe, padded, this.w.xPadToken); // (padded, D)
  }

  /**
   * The final layer over one image's tokens, rows start .. start + Ht·Wt of the stream u: LayerNorm modulated by
   * (1 + scale(silu(temb))) (temb row 0: the noisy target), linear, unpatchify to `shape` (C, H, W).
   */
  finalLayer(b: Batch, u: Tensor, start: number, temb: Tensor, shape: [number, number, number]): Tensor {
    const [C, H, W] = shape;
    const p = this.cfg.patchSize;
    const fw = this.w.final;
    // Each stage is a scope that ends as its result is made: its inputs go back to the pool for the next stage.
    return scope(() => {
      const o = scope(() => {
        const y = scope(() => {
          const scale = ops.matmul(b, ops.silu(b, temb), fw.adaW, { bias: fw.adaB }); // (G, D)
          return ops.layerNorm(b, ops.sliceRows(b, u, start, (H / p) * (W / p)), { eps: 1e-6, scale }); // (Ht*Wt, D)
        });
        return ops.matmul(b, y, fw.linW, { bias: fw.linB }); // (Ht*Wt, p*p*C)
      });
      return ops.unpatchify(b, o, { channels: C, height: H, width: W, patch: p }); // (C, H, W)
    });
  }

  /** Appends `total - rows` copies of a learned pad token to x (rows, D); returns (total, D), releasing x. */
  padRows(b: Batch, x: Tensor, total: number, token: Float32Array): Tensor {
    const rows = x.shape[0];
    if (total === rows) return x;
    const n = total - rows;
    const D = token.length;
    const which = token === this.w.xPadToken ? 'x' : token === this.w.capPadToken ? 'cap' : 'siglip';
    const padT = this.remember(`pad:${which}:${n}`, () => {
      const pads = new Float32Array(n * D);
      for (let i = 0; i < n; i++) pads.set(token, i * D);
      return b.gpu.upload(pads, [n, D], 'f32', 'pad-tokens');
    });
    const out = ops.concatRows(b, [x, padT]);
    x.release();
    return out;
  }

  /** RoPE tables (L, hd/2) for the concatenated position ids, uploaded once per distinct layout. */
  uploadRope(parts: Int32Array[]): { cos: Tensor; sin: Tensor } {
    const total = parts.reduce((s, p) => s + p.length, 0);
    const pos = new Int32Array(total);
    let o = 0;
    for (const p of parts) {
      pos.set(p, o);
      o += p.length;
    }
    const key = `rope:${pos.join(',')}`; // the ids themselves: a hash could collide and apply the wrong table
    let tables: RopeTables | null = null;
    const build = () => (tables ??= dit3AxisRope(this.cfg, pos));
    return {
      cos: this.remember(`${key}:cos`, () => this.gpu.upload(build().cos, [build().rows, build().pairs], 'f32', 'rope-cos')),
      sin: this.remember(`${key}:sin`, () => this.gpu.upload(build().sin, [build().rows, build().pairs], 'f32', 'rope-sin')),
    };
  }
}
