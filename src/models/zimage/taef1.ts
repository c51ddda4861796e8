// TAEF1, the tiny FLUX autoencoder (madebyollin/taesd, MIT): reads and writes the same 16-channel latents as the FLUX
// VAE, at a few MB, for live previews. Architecture = taesd.py Encoder(16) / Decoder(16): 3x3 convolutions, ReLU,
// residual Blocks (conv-relu-conv-relu-conv, + skip, ReLU), nearest x2 upsampling, a tanh clamp on the latents.
// Tensor names are taesd.py's nn.Sequential indices, `encoder.<k>...` / `decoder.<k>...` (loadTaef1.ts maps both
// published namings onto them). Channels come from the weights (64 in the published model; the self-test is smaller).
// Conventions (golden README): decode takes the sampler's latents as they are, no scale or shift, and returns RGB in
// about [0, 1] (unclamped); encode takes RGB in [0, 1].
import type { Batch, Gpu } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { chain } from '../../engine/scope.ts';
import { dataBytes, type Tensor } from '../../engine/tensor.ts';
import { DECODER_LAYERS, ENCODER_LAYERS, type Layer } from './taef1Layout.ts';

/** Looks up a TAEF1 tensor by its canonical name; throws a clear error when missing. */
export type Taef1Weights = (name: string) => Tensor;

/** TAESD's latent clamp: tanh(z / 3) * 3. */
export const LATENT_MAGNITUDE = 3;

export class Taef1 {
  constructor(
    readonly gpu: Gpu,
    readonly w: Taef1Weights,
    /** Whether the encoder weights are loaded (previews load the decoder only). */
    readonly hasEncoder: boolean,
    private readonly owned: Tensor[] = [],
  ) {}

  release(): void {
    for (const t of this.owned) t.release();
  }

  /** Weight bytes on the GPU. */
  get bytes(): number {
    return this.owned.reduce((s, t) => s + dataBytes(t.dtype, t.shape), 0); // bytes
  }

  /** A conv of layer `p` (`encoder.2`, ...); layers without bias get zeros (loadTaef1.ts adds them). */
  private conv(b: Batch, x: Tensor, p: string, stride: 1 | 2 = 1): Tensor {
    return ops.conv2d(b, x, this.w(`${p}.weight`), this.w(`${p}.bias`), { stride });
  }

  /** Block: relu(conv4(relu(conv2(relu(conv0(x))))) + skip(x)). Releases x. */
  private block(b: Batch, x: Tensor, p: string): Tensor {
    const h = chain(
      x,
      (t) => ops.relu(b, this.conv(b, t, `${p}.conv.0`), { inPlace: true }),
      (t) => ops.relu(b, this.conv(b, t, `${p}.conv.2`), { inPlace: true }),
      (t) => this.conv(b, t, `${p}.conv.4`),
    ); // (C, H, W)
    // 1x1, no bias (never in TAEF1, whose Blocks keep their width)
    const skip = h.shape[0] !== x.shape[0] ? this.conv(b, x, `${p}.skip`) : x;
    if (skip !== x) x.release();
    ops.addRelu(b, h, skip, { inPlace: true });
    skip.release();
    return h;
  }

  private run(x: Tensor, layers: readonly Layer[], net: 'encoder' | 'decoder', label: string): Tensor {
    let cur = x; // not released: the caller's input
    let owned = false;
    const take = (next: Tensor) => {
      if (owned) cur.release();
      cur = next;
      owned = true;
    };
    // One submission per stage between resolution changes keeps each command buffer small (design.md §2).
    let b = this.gpu.batch(label);
    try {
      for (const l of layers) {
        const p = `${net}.${'k' in l ? l.k : ''}`;
        if (l.kind === 'clamp') take(ops.tanhClamp(b, cur, LATENT_MAGNITUDE));
        else if (l.kind === 'relu') {
          if (owned) ops.relu(b, cur, { inPlace: true });
          else take(ops.relu(b, cur));
        } else if (l.kind === 'conv') take(this.conv(b, cur, p, l.stride ?? 1));
        else if (l.kind === 'upconv') {
          take(ops.upsampleConv2d(b, cur, this.w(`${p}.weight`), this.w(`${p}.bias`)));
          b.submit();
          b = this.gpu.batch(label);
        } else {
          if (!owned) take(ops.scale(b, cur, 1)); // a Block releases its input: never the caller's
          cur = this.block(b, cur, p);
        }
      }
    } finally {
      if (!b.submitted) b.submit();
    }
    return cur;
  }

  /** Latents (16, h, w) as the sampler holds them -> RGB (3, 8h, 8w) in about [0, 1]. Does not release z. */
  decode(z: Tensor): Tensor {
    return this.run(z, DECODER_LAYERS, 'decoder', 'taef1-decode');
  }

  /** RGB (3, H, W) in [0, 1] -> latents (16, H/8, W/8) in the sampler's space. Does not release the image. */
  encode(image: Tensor): Tensor {
    if (!this.hasEncoder) throw new Error('This TAEF1 was loaded without its encoder, so it can only decode.');
    return this.run(image, ENCODER_LAYERS, 'encoder', 'taef1-encode');
  }
}
