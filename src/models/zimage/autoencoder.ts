// The FLUX.1 AutoencoderKL that Z-Image uses (zimage-spec §7), with diffusers tensor names:
// decode (16, h, w) latents -> (3, 8h, 8w) image in about [-1, 1], encode the reverse (mean of the posterior).
// Activations are channels-first (C, H, W). Tiling for large images is in vaeTiling.ts.
import type { Batch, Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { chain, scope } from '../../engine/scope.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { VaeConfig } from './config.ts';

/** Looks up a VAE tensor by its diffusers name; throws a clear error when missing. */
export type VaeWeights = (name: string) => Tensor;

export class AutoencoderKL {
  constructor(
    readonly gpu: Gpu,
    readonly cfg: VaeConfig,
    readonly w: VaeWeights,
    /** Whether the encoder weights are loaded (decode-only sets skip them). */
    readonly hasEncoder: boolean,
    private readonly owned: Tensor[] = [],
  ) {}

  release(): void {
    for (const t of this.owned) t.release();
  }

  private gn(b: Batch, x: Tensor, prefix: string, silu: boolean): Tensor {
    return ops.groupNorm(b, x, { groups: this.cfg.normGroups, eps: 1e-6, weight: this.w(`${prefix}.weight`), bias: this.w(`${prefix}.bias`), silu });
  }

  private conv(b: Batch, x: Tensor, prefix: string, opts: { stride?: 1 | 2; padding?: 'same' | 'vae-down' } = {}): Tensor {
    return ops.conv2d(b, x, this.w(`${prefix}.weight`), this.w(`${prefix}.bias`), opts);
  }

  /** ResnetBlock2D: conv2(silu(norm2(conv1(silu(norm1(x)))))) + shortcut(x). Releases x. */
  private resnet(b: Batch, x: Tensor, prefix: string): Tensor {
    const h = chain(
      x,
      (t) => this.gn(b, t, `${prefix}.norm1`, true),
      (t) => this.conv(b, t, `${prefix}.conv1`),
      (t) => this.gn(b, t, `${prefix}.norm2`, true),
      (t) => this.conv(b, t, `${prefix}.conv2`),
    ); // (Cout, H, W)
    const skip = h.shape[0] !== x.shape[0] ? this.conv(b, x, `${prefix}.conv_shortcut`) : x;
    if (skip !== x) x.release();
    ops.add(b, h, skip, { inPlace: true }); // the residual lands in h: no third full-size tensor at the peak
    skip.release();
    return h;
  }

  /** The mid-block's single-head self-attention over h*w tokens, with residual. Releases x. */
  private attention(b: Batch, x: Tensor, prefix: string): Tensor {
    const [C, H, W] = x.shape;
    const lin = (name: string, inp: Tensor) => ops.matmul(b, inp, this.w(`${prefix}.${name}.weight`), { bias: this.w(`${prefix}.${name}.bias`) });
    const back = scope(() => {
      const a = scope(() => {
        // q, k, v from the normed tokens, which die with this scope, before attention allocates its output
        const [q, k, v] = scope(() => {
          const tokens = chain(
            x,
            (t) => this.gn(b, t, `${prefix}.group_norm`, false), // (C, H, W)
            (t) => ops.transpose2d(b, t.reshape([C, H * W])), // (HW, C)
          );
          return [lin('to_q', tokens), lin('to_k', tokens), lin('to_v', tokens)]; // (HW, C) each
        });
        return ops.attention(b, q, k, v, { heads: 1, kvHeads: 1, headDim: C }); // (HW, C)
      });
      return chain(
        a,
        (t) => lin('to_out.0', t), // (HW, C)
        (t) => ops.transpose2d(b, t).withShape([C, H, W]), // (C, H, W)
      );
    });
    ops.add(b, back, x, { inPlace: true }); // the residual
    x.release();
    return back;
  }

  private midBlock(b: Batch, x: Tensor, prefix: string): Tensor {
    x = this.resnet(b, x, `${prefix}.resnets.0`);
    x = this.attention(b, x, `${prefix}.attentions.0`);
    return this.resnet(b, x, `${prefix}.resnets.1`);
  }

  /**
   * Decodes scaled latents z (16, h, w) (as the sampler produces them) to an image (3, 8h, 8w): applies
   * z / scaling + shift first. Does not release z.
   */
  decode(z: Tensor): Tensor {
    const { blockOutChannels: ch, layersPerBlock } = this.cfg;
    const gpu = this.gpu;
    // The stream x is handed from block to block (each releases its input), so the batches chain it explicitly.
    let x = gpu.run((b) => {
      const h = chain(
        z,
        (t) => ops.affine(b, t, 1 / this.cfg.scalingFactor, this.cfg.shiftFactor), // z / scaling + shift
        (t) => this.conv(b, t, 'decoder.conv_in'),
      ); // (C0, h, w)
      return this.midBlock(b, h, 'decoder.mid_block');
    }, 'vae-decode-mid');
    for (let i = 0; i < ch.length; i++) {
      x = gpu.run((b) => {
        let y = x;
        for (let j = 0; j <= layersPerBlock; j++) y = this.resnet(b, y, `decoder.up_blocks.${i}.resnets.${j}`);
        if (i === ch.length - 1) return y;
        // nearest x2 fused into the conv: the 4x larger upsampled tensor is never materialised
        const p = `decoder.up_blocks.${i}.upsamplers.0.conv`;
        const up = ops.upsampleConv2d(b, y, this.w(`${p}.weight`), this.w(`${p}.bias`)); // (C, 2H, 2W)
        y.release();
        return up;
      }, `vae-decode-up${i}`);
    }
    return gpu.run((b) => this.out(b, x, 'decoder'), 'vae-decode-out'); // (3, 8h, 8w)
  }

  /** conv_out(silu(conv_norm_out(x))); releases x. */
  private out(b: Batch, x: Tensor, net: 'encoder' | 'decoder'): Tensor {
    const y = chain(
      x,
      (t) => this.gn(b, t, `${net}.conv_norm_out`, true),
      (t) => this.conv(b, t, `${net}.conv_out`),
    );
    x.release();
    return y;
  }

  /** Encodes an image (3, H, W) in [-1, 1] to the posterior moments (2*latent, H/8, W/8): mean then logvar. */
  encodeMoments(image: Tensor): Tensor {
    if (!this.hasEncoder) throw new Error('this VAE was loaded without its encoder');
    const { blockOutChannels: ch, layersPerBlock } = this.cfg;
    const gpu = this.gpu;
    let x = gpu.run((b) => this.conv(b, image, 'encoder.conv_in'), 'vae-encode-in'); // (C0, H, W)
    for (let i = 0; i < ch.length; i++) {
      x = gpu.run((b) => {
        let y = x;
        for (let j = 0; j < layersPerBlock; j++) y = this.resnet(b, y, `encoder.down_blocks.${i}.resnets.${j}`);
        if (i === ch.length - 1) return y;
        const down = this.conv(b, y, `encoder.down_blocks.${i}.downsamplers.0.conv`, { stride: 2, padding: 'vae-down' }); // (C, H/2, W/2)
        y.release();
        return down;
      }, `vae-encode-down${i}`);
    }
    return gpu.run((b) => this.out(b, this.midBlock(b, x, 'encoder.mid_block'), 'encoder'), 'vae-encode-out'); // (2L, H/8, W/8)
  }

  /** The latent the pipelines use: scaling * (mean - shift), (latent, H/8, W/8). */
  encode(image: Tensor): Tensor {
    const moments = this.encodeMoments(image);
    const [, h, w] = moments.shape;
    const L = this.cfg.latentChannels;
    const out = scope(() =>
      this.gpu.run((b) => {
        const mean = ops.sliceRows(b, moments.reshape([2 * L, h * w]), 0, L); // (L, h*w)
        return ops.affine(b, mean, this.cfg.scalingFactor, -this.cfg.shiftFactor * this.cfg.scalingFactor).withShape([L, h, w]); // (L, h, w)
      }, 'vae-latent'),
    );
    moments.release();
    return out;
  }
}
