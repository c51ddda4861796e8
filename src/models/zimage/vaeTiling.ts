// Tiled VAE decode for large images: the latent is cut into overlapping tiles, each decoded alone (bounded GPU
// memory: the 1024² decode's full-resolution activations would need >1 GiB), and the decoded tiles are blended
// with linear ramps across the overlap so no seam shows.
import type { Gpu } from '../../engine/gpu.ts';
import { scope } from '../../engine/scope.ts';
import type { Tensor } from '../../engine/tensor.ts';
import type { AutoencoderKL } from './autoencoder.ts';
import { TILE_LATENTS, TILE_OVERLAP } from './config.ts';


export interface Tile {
  y: number; // latent rows [y, y + h)
  x: number;
  h: number;
  w: number;
}

/** Tiles of at most `size` latents with `overlap` latents shared by neighbours, covering (h, w) exactly. */
export function planTiles(h: number, w: number, size: number, overlap: number): Tile[] {
  const starts = (n: number): number[] => {
    if (n <= size) return [0];
    const stride = size - overlap;
    const out: number[] = [];
    for (let s = 0; ; s += stride) {
      if (s + size >= n) {
        out.push(n - size);
        break;
      }
      out.push(s);
    }
    return out;
  };
  const tiles: Tile[] = [];
  for (const y of starts(h)) for (const x of starts(w)) tiles.push({ y, x, h: Math.min(size, h), w: Math.min(size, w) });
  return tiles;
}

/** Blend weight of pixel offset i in a tile of n pixels whose neighbours overlap by `ramp` pixels at open sides. */
export function rampWeight(i: number, n: number, ramp: number, openStart: boolean, openEnd: boolean): number {
  let w = 1;
  if (openStart && i < ramp) w = Math.min(w, (i + 0.5) / ramp);
  if (openEnd && i >= n - ramp) w = Math.min(w, (n - i - 0.5) / ramp);
  return w;
}

/**
 * Decodes z (C, h, w) to a (3, 8h, 8w) image on the CPU side (Float32Array), tile by tile when the latent is larger
 * than `tileLatents` on a side. Any decoder with the VAE's geometry will do (TAEF1 previews use it too).
 */
export async function decodeTiled(gpu: Gpu, vae: Pick<AutoencoderKL, 'decode'>, z: Tensor, tileLatents = TILE_LATENTS, overlapLatents = TILE_OVERLAP): Promise<Float32Array> {
  const [C, h, w] = z.shape;
  const H = h * 8;
  const W = w * 8;
  if (h <= tileLatents && w <= tileLatents) {
    const img = vae.decode(z);
    const out = await gpu.read(img);
    img.release();
    return out;
  }
  const out = new TileBlend(3, H, W);
  const lat = await gpu.read(z); // (C, h, w): small (1 MiB at 1024²), cut into tiles on the CPU
  for (const t of planTiles(h, w, tileLatents, overlapLatents)) {
    // async (a read per tile): the decoded tile is released explicitly; the scope covers the synchronous decode
    const img = scope(() => vae.decode(gpu.upload(cropTile(lat, C, h, w, t), [C, t.h, t.w], 'f32', 'vae-tile'))); // (3, 8t.h, 8t.w)
    const px = await gpu.read(img);
    img.release();
    out.add(px, t, 8, overlapLatents * 8, h, w);
  }
  return out.result();
}

/** Tile t (in latent units, times `scale` for this grid) cut from src (channels, H, W): (channels, th, tw). */
function cropTile(src: Float32Array, channels: number, H: number, W: number, t: Tile, scale = 1): Float32Array {
  const [y0, x0, th, tw] = [t.y * scale, t.x * scale, t.h * scale, t.w * scale];
  const out = new Float32Array(channels * th * tw);
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < th; y++) {
      const from = (c * H + y0 + y) * W + x0;
      out.set(src.subarray(from, from + tw), (c * th + y) * tw);
    }
  return out;
}

/** Overlapping tiles blended into one (channels, H, W) grid with linear ramps across the overlaps. */
class TileBlend {
  private readonly acc: Float32Array;
  private readonly wsum: Float32Array;
  constructor(
    private readonly channels: number,
    private readonly H: number,
    private readonly W: number,
  ) {
    this.acc = new Float32Array(channels * H * W);
    this.wsum = new Float32Array(H * W);
  }

  /**
   * Adds tile t's values (channels, th, tw), th = t.h · scale, with a ramp of `ramp` cells on each side that
   * borders another tile (the latent grid is h x w tiles' units).
   */
  add(tile: Float32Array, t: Tile, scale: number, ramp: number, h: number, w: number): void {
    const { channels, H, W, acc, wsum } = this;
    const [y0, x0, th, tw] = [t.y * scale, t.x * scale, t.h * scale, t.w * scale];
    const wx = Float32Array.from({ length: tw }, (_, x) => rampWeight(x, tw, ramp, t.x > 0, t.x + t.w < w));
    for (let y = 0; y < th; y++) {
      const wy = rampWeight(y, th, ramp, t.y > 0, t.y + t.h < h);
      for (let x = 0; x < tw; x++) {
        const wt = wy * wx[x];
        const o = (y0 + y) * W + x0 + x;
        wsum[o] += wt;
        for (let c = 0; c < channels; c++) acc[c * H * W + o] += wt * tile[(c * th + y) * tw + x];
      }
    }
  }

  /** The weighted mean (the accumulator, normalised in place). */
  result(): Float32Array {
    const { channels, H, W, acc, wsum } = this;
    for (let i = 0; i < H * W; i++) for (let c = 0; c < channels; c++) acc[c * H * W + i] /= wsum[i];
    return acc;
  }
}

/**
 * Encodes an image (3, H, W) in [-1, 1], given as CPU floats, to the pipeline latent (C, H/8, W/8), tile by tile
 * when the latent is larger than `tileLatents` on a side; tiles overlap and are blended with linear ramps.
 */
export async function encodeTiled(gpu: Gpu, vae: AutoencoderKL, pixels: Float32Array, H: number, W: number, tileLatents = TILE_LATENTS, overlapLatents = TILE_OVERLAP): Promise<Tensor> {
  const h = H / 8;
  const w = W / 8;
  const C = vae.cfg.latentChannels;
  if (h <= tileLatents && w <= tileLatents) return scope(() => vae.encode(gpu.upload(pixels, [3, H, W], 'f32', 'source'))); // (C, h, w)
  const out = new TileBlend(C, h, w);
  for (const t of planTiles(h, w, tileLatents, overlapLatents)) {
    const zt = scope(() => vae.encode(gpu.upload(cropTile(pixels, 3, H, W, t, 8), [3, t.h * 8, t.w * 8], 'f32', 'source-tile'))); // (C, t.h, t.w)
    const lat = await gpu.read(zt);
    zt.release();
    out.add(lat, t, 1, overlapLatents, h, w);
  }
  return gpu.upload(out.result(), [C, h, w], 'f32', 'source-latent');
}
