// The FLUX.1 AutoencoderKL that Z-Image uses (zimage-spec §7), with diffusers tensor names:
// decode (16, h, w) latents -> (3, 8h, 8w) image in about [-1, 1], encode the reverse (mean of the posterior).
// Activations are channels-first (C, H, W). Tiling for large images is in vaeTiling.ts.
import type { Batch, Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
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

  /** ResnetBlock2D: conv2(silu(gn2(conv1(silu(gn1(x)))))) + shortcut(x). Releases x. */
  private resnet(b: Batch, x: Tensor, prefix: string): Tensor {
    const h0 = this.gn(b, x, `${prefix}.norm1`, true);
    const h1 = this.conv(b, h0, `${prefix}.conv1`);
    h0.release();
    const h2 = this.gn(b, h1, `${prefix}.norm2`, true);
    h1.release();
    const h3 = this.conv(b, h2, `${prefix}.conv2`);
    h2.release();
    const cin = x.shape[0];
    const cout = h3.shape[0];
    let skip = x;
    if (cin !== cout) {
      skip = this.conv(b, x, `${prefix}.conv_shortcut`);
      x.release();
    }
    ops.add(b, h3, skip, { inPlace: true }); // the residual lands in h3: no third full-size tensor at the peak
    skip.release();
    return h3;
  }

  /** The mid-block's single-head self-attention over h*w tokens, with residual. Releases x. */
  private attention(b: Batch, x: Tensor, prefix: string): Tensor {
    const [C, H, W] = x.shape;
    const n = this.gn(b, x, `${prefix}.group_norm`, false); // (C, H, W)
    const tokens = ops.transpose2d(b, n.reshape([C, H * W])); // (HW, C)
    n.release();
    const lin = (name: string, inp: Tensor) => ops.matmul(b, inp, this.w(`${prefix}.${name}.weight`), { bias: this.w(`${prefix}.${name}.bias`) });
    const q = lin('to_q', tokens);
    const k = lin('to_k', tokens);
    const v = lin('to_v', tokens);
    tokens.release();
    const a = ops.attention(b, q, k, v, { heads: 1, kvHeads: 1, headDim: C }); // (HW, C)
    q.release();
    k.release();
    v.release();
    const o = lin('to_out.0', a); // (HW, C)
    a.release();
    const back = ops.transpose2d(b, o).withShape([C, H, W]); // (C, H, W)
    o.release();
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
    let x!: Tensor;
    gpu.run((b) => {
      const zs = ops.affine(b, z, 1 / this.cfg.scalingFactor, this.cfg.shiftFactor);
      x = this.conv(b, zs, 'decoder.conv_in');
      zs.release();
      x = this.midBlock(b, x, 'decoder.mid_block');
    }, 'vae-decode-mid');
    for (let i = 0; i < ch.length; i++) {
      gpu.run((b) => {
        for (let j = 0; j <= layersPerBlock; j++) x = this.resnet(b, x, `decoder.up_blocks.${i}.resnets.${j}`);
        if (i < ch.length - 1) {
          // nearest x2 fused into the conv: the 4x larger upsampled tensor is never materialised
          const p = `decoder.up_blocks.${i}.upsamplers.0.conv`;
          const y = ops.upsampleConv2d(b, x, this.w(`${p}.weight`), this.w(`${p}.bias`));
          x.release();
          x = y;
        }
      }, `vae-decode-up${i}`);
    }
    let out!: Tensor;
    gpu.run((b) => {
      const n = this.gn(b, x, 'decoder.conv_norm_out', true);
      x.release();
      out = this.conv(b, n, 'decoder.conv_out');
      n.release();
    }, 'vae-decode-out');
    return out;
  }

  /** Encodes an image (3, H, W) in [-1, 1] to the posterior moments (2*latent, H/8, W/8): mean then logvar. */
  encodeMoments(image: Tensor): Tensor {
    if (!this.hasEncoder) throw new Error('this VAE was loaded without its encoder');
    const { blockOutChannels: ch, layersPerBlock } = this.cfg;
    const gpu = this.gpu;
    let x!: Tensor;
    gpu.run((b) => (x = this.conv(b, image, 'encoder.conv_in')), 'vae-encode-in');
    for (let i = 0; i < ch.length; i++) {
      gpu.run((b) => {
        for (let j = 0; j < layersPerBlock; j++) x = this.resnet(b, x, `encoder.down_blocks.${i}.resnets.${j}`);
        if (i < ch.length - 1) {
          const d = this.conv(b, x, `encoder.down_blocks.${i}.downsamplers.0.conv`, { stride: 2, padding: 'vae-down' });
          x.release();
          x = d;
        }
      }, `vae-encode-down${i}`);
    }
    let out!: Tensor;
    gpu.run((b) => {
      x = this.midBlock(b, x, 'encoder.mid_block');
      const n = this.gn(b, x, 'encoder.conv_norm_out', true);
      x.release();
      out = this.conv(b, n, 'encoder.conv_out');
      n.release();
    }, 'vae-encode-out');
    return out;
  }

  /** The latent the pipelines use: scaling * (mean - shift), (latent, H/8, W/8). */
  encode(image: Tensor): Tensor {
    const moments = this.encodeMoments(image);
    const [, h, w] = moments.shape;
    const L = this.cfg.latentChannels;
    let out!: Tensor;
    this.gpu.run((b) => {
      const mean = ops.sliceRows(b, moments.reshape([2 * L, h * w]), 0, L); // (L, h*w)
      const z = ops.affine(b, mean, this.cfg.scalingFactor, -this.cfg.shiftFactor * this.cfg.scalingFactor);
      mean.release();
      out = z.withShape([L, h, w]);
    }, 'vae-latent');
    moments.release();
    return out;
  }
}
