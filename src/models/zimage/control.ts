// The ControlNet branch of ZImageControlTransformer2DModel (VideoX-Fun, the code the published Union weights were
// trained with), beside an unchanged ZImageTransformer:
//   control input (Cc, H, W) -patchify, control_all_x_embedder, image pad token-> c (Limg_pad, D)
//   refiner stage (2.1): control_noise_refiner block j on c (block 0 first adds before_proj(c) + x, x = the embedded
//     image tokens before the noise refiner), image RoPE, adaLN from temb; refiner hint j = after_proj(c), added
//     times the scale after noise_refiner layer refinerPlaces[j]
//   layer stage: c' = [refined c, refined caption tokens], control_layers block j on c' (block 0 adds before_proj(c')
//     + u, u = the unified stream before main layer 0), unified RoPE; layer hint j = after_proj(c'), added times the
//     scale after main layer layerPlaces[j].
// Block j only depends on block j - 1, so hints are made one at a time, just before they are added: the branch
// holds one control stream and one hint (not 15 hints of (L, D)). diffusers' port drops the refiner hints.
import type { Batch } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { keep, scope } from '../../engine/scope.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { ControlConfig } from './controlConfig.ts';
import type { BlockWeights, Modulation, ZImageTransformer } from './transformer.ts';

export interface Linear {
  w: Tensor; // (D, D)
  b: Tensor; // (D)
}

export interface ControlBlockWeights extends BlockWeights {
  /** Block 0 of each stage only. */
  beforeProj: Linear | null;
  afterProj: Linear;
}

export interface ControlWeights {
  embedW: Tensor; // (D, p*p*Cc)
  embedB: Tensor; // (D)
  refiner: ControlBlockWeights[];
  layers: ControlBlockWeights[];
}

export class ZImageControlNet {
  constructor(
    readonly cfg: ControlConfig,
    readonly w: ControlWeights,
    private readonly owned: Tensor[] = [],
  ) {}

  release(): void {
    for (const t of this.owned) t.release();
  }
}

/** What a controlled forward needs: the net, its input (Cc, H, W) at the latents' size, and the hint scale. */
export interface ControlInput {
  net: ZImageControlNet;
  context: Tensor; // (Cc, H, W)
  scale: number;
}

type Rope = { cos: Tensor; sin: Tensor };

/**
 * One stage (refiner or layers): a chain of control blocks and the places their hints go. Its stream and hint live
 * across the forward's layers, so the stage holds them explicitly (kept out of any scope) and releases them itself.
 */
class Stage {
  private c: Tensor | null = null; // the control stream after `done` blocks
  private done = 0;
  private hint: Tensor | null = null; // hint of block done - 1, not yet added

  constructor(
    private readonly dit: ZImageTransformer,
    private readonly blocks: ControlBlockWeights[],
    private readonly places: number[],
    private readonly rope: Rope,
    private readonly mod: Modulation,
    private readonly scale: number,
    private readonly label: string,
  ) {}

  /** Block 0 on `c0` (owned by the stage from here) with its base stream (read, not kept). */
  start(c0: Tensor, base: Tensor): void {
    this.c = keep(c0);
    this.next(base);
  }

  private next(base: Tensor | null): void {
    const blk = this.blocks[this.done];
    this.hint?.release();
    this.hint = null;
    this.dit.gpu.run((b) => {
      if (blk.beforeProj) {
        if (!base) throw new Error(`${this.label}: control block ${this.done} has before_proj but no base stream`);
        const c = this.c!;
        this.c = keep(ops.matmul(b, c, blk.beforeProj.w, { bias: blk.beforeProj.b })); // (L, D)
        c.release();
        ops.add(b, this.c, base, { inPlace: true }); // c = before_proj(c) + base
      }
      this.dit.block(b, blk, this.c!, this.rope, this.mod); // in place
      const h = keep(ops.matmul(b, this.c!, blk.afterProj.w, { bias: blk.afterProj.b })); // (L, D)
      this.hint = ops.scale(b, h, this.scale, { inPlace: true }); // after_proj(c) * scale
    }, this.label);
    this.done++;
  }

  /** After DiT layer `layer`: adds its hint to x in place when the layer is a control place. */
  afterLayer(layer: number, x: Tensor): void {
    const j = this.places.indexOf(layer);
    if (j < 0 || j >= this.blocks.length) return;
    while (this.done <= j) this.next(null);
    const hint = this.hint!;
    this.dit.gpu.run((b) => ops.add(b, x, hint, { inPlace: true }), `${this.label}-hint`);
  }

  /** Runs every remaining block and hands over the final control stream (the refiner's output). */
  finish(): Tensor {
    while (this.done < this.blocks.length) this.next(null);
    const c = this.c!;
    this.c = null;
    this.release();
    return c;
  }

  release(): void {
    this.hint?.release();
    this.hint = null;
    this.c?.release();
    this.c = null;
  }
}

/** The control branch of one forward pass, driven by ZImageTransformer.forward at its stage boundaries. */
export class ControlRun {
  private refiner: Stage | null = null;
  private layers: Stage | null = null;
  private tokens: Tensor | null = null; // control tokens when there is no refiner stage

  constructor(
    private readonly dit: ZImageTransformer,
    private readonly input: ControlInput,
    private readonly mod: Modulation,
  ) {}

  /** Embeds the control input next to x0 (Limg_pad, D), the embedded image tokens, and runs refiner block 0. */
  beginRefiner(x0: Tensor, imgRope: Rope): void {
    const { net, context } = this.input;
    const p = this.dit.cfg.patchSize;
    const [Cc, H, W] = context.shape;
    if (Cc !== net.cfg.inDim) throw new RangeError(`control: input has ${Cc} channels, the ControlNet takes ${net.cfg.inDim}`);
    const c = this.dit.gpu.run((b: Batch) => {
      const e = scope(() => ops.matmul(b, ops.patchify(b, context, { channels: Cc, height: H, width: W, patch: p }), net.w.embedW, { bias: net.w.embedB })); // (Ht*Wt, D)
      return keep(this.dit.padRows(b, e, x0.shape[0], this.dit.w.xPadToken)); // (Limg_pad, D)
    }, 'control-embed');
    const cfg = net.cfg;
    if (!cfg.refinerPlaces.length) {
      this.tokens = c;
      return;
    }
    // 2.0 ran its control layers in the refiner stage too (add_control_noise_refiner_correctly = false)
    const blocks = cfg.refinerFromControlRefiner ? net.w.refiner : net.w.layers;
    this.refiner = new Stage(this.dit, blocks, cfg.refinerPlaces, imgRope, this.mod, this.input.scale, 'control-refiner');
    this.refiner.start(c, x0);
  }

  afterNoiseRefiner(layer: number, x: Tensor): void {
    this.refiner?.afterLayer(layer, x);
  }

  /** Builds [refined control tokens, caption tokens] and runs control layer 0 against u0, the unified stream. */
  beginLayers(u0: Tensor, caption: Tensor, rope: Rope): void {
    const refined = this.refiner ? this.refiner.finish() : this.tokens!;
    this.refiner = null;
    this.tokens = null;
    const c = keep(this.dit.gpu.run((b) => ops.concatRows(b, [refined, caption]), 'control-unify')); // (Limg_pad + Lcap_pad, D)
    refined.release();
    this.layers = new Stage(this.dit, this.input.net.w.layers, this.input.net.cfg.layerPlaces, rope, this.mod, this.input.scale, 'control-layer');
    this.layers.start(c, u0);
  }

  afterLayer(layer: number, u: Tensor): void {
    this.layers?.afterLayer(layer, u);
  }

  release(): void {
    this.refiner?.release();
    this.layers?.release();
    this.tokens?.release();
    this.refiner = this.layers = null;
    this.tokens = null;
  }
}
