// TAEF1's layer plan (taesd.py Encoder(16) / Decoder(16) as nn.Sequential indices) and its tensor shapes: pure data,
// shared by the model (taef1.ts), its loader and the self-test generator (tools/makeSelftest.ts, which runs in Node).

export type Layer = { kind: 'conv'; k: number; stride?: 2 } | { kind: 'block'; k: number } | { kind: 'relu' } | { kind: 'clamp' } | { kind: 'upconv'; k: number };

const blocks = (...ks: number[]): Layer[] => ks.map((k) => ({ kind: 'block', k }));

/** taesd.py Encoder: conv(3, C), Block, then 3 x (stride-2 conv without bias, 3 Blocks), conv(C, 16). */
export const ENCODER_LAYERS: readonly Layer[] = [
  { kind: 'conv', k: 0 }, ...blocks(1),
  { kind: 'conv', k: 2, stride: 2 }, ...blocks(3, 4, 5),
  { kind: 'conv', k: 6, stride: 2 }, ...blocks(7, 8, 9),
  { kind: 'conv', k: 10, stride: 2 }, ...blocks(11, 12, 13),
  { kind: 'conv', k: 14 },
]; // prettier-ignore

/** taesd.py Decoder: Clamp, conv(16, C), ReLU, 3 x (3 Blocks, Upsample + conv without bias), Block, conv(C, 3). */
export const DECODER_LAYERS: readonly Layer[] = [
  { kind: 'clamp' }, { kind: 'conv', k: 1 }, { kind: 'relu' },
  ...blocks(3, 4, 5), { kind: 'upconv', k: 7 },
  ...blocks(8, 9, 10), { kind: 'upconv', k: 12 },
  ...blocks(13, 14, 15), { kind: 'upconv', k: 17 },
  ...blocks(18), { kind: 'conv', k: 19 },
]; // prettier-ignore

/**
 * Every tensor of a TAEF1 with `channels` features, in diffusers AutoencoderTiny names (the published file's):
 * `encoder.layers.<k>` = encoder index k, `decoder.layers.<k>` = decoder index k + 1. Published: 64 channels.
 */
export function taef1Shapes(channels: number, latent = 16): [name: string, shape: number[]][] {
  const C = channels;
  const out: [string, number[]][] = [];
  const add = (net: 'encoder' | 'decoder', layers: readonly Layer[]) => {
    for (const l of layers) {
      if (!('k' in l)) continue;
      const p = `${net}.layers.${net === 'decoder' ? l.k - 1 : l.k}`;
      if (l.kind === 'block') {
        for (const c of [0, 2, 4]) out.push([`${p}.conv.${c}.weight`, [C, C, 3, 3]], [`${p}.conv.${c}.bias`, [C]]);
        continue;
      }
      const cin = net === 'encoder' && l.k === 0 ? 3 : net === 'decoder' && l.k === 1 ? latent : C;
      const cout = net === 'encoder' && l.k === 14 ? latent : net === 'decoder' && l.k === 19 ? 3 : C;
      out.push([`${p}.weight`, [cout, cin, 3, 3]]);
      if (l.kind === 'conv' && !l.stride) out.push([`${p}.bias`, [cout]]);
    }
  };
  add('encoder', ENCODER_LAYERS);
  add('decoder', DECODER_LAYERS);
  return out;
}

