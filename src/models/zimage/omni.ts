// The DiT's omni (image-conditioned) mode, as diffusers' patchify_and_embed_omni / forward compute it
// (zimage-spec §9): caption segments encoded separately, clean reference latents and the noisy target, optional
// SigLIP features; the unified sequence is [captions, images, siglip], and every modulated block and the final
// layer pick, per token, the timestep embedding of t (noisy tokens) or of t = 1 (clean tokens).
import type { Batch } from '../../engine/gpu.ts';
import * as ops from '../../engine/ops.ts';
import { scope } from '../../engine/scope.ts';
import type { Tensor } from '../../engine/tensor.ts';
import { padTo } from './sequence.ts';
import type { Modulation, TransformerWeights, ZImageTransformer } from './transformer.ts';

export interface OmniLayoutInput {
  capLens: number[]; // tokens per caption segment (images + 1 segments)
  images: { h: number; w: number }[]; // latent sizes; the last image is the target
  siglip: ({ h: number; w: number } | null)[] | null; // per image, or null when no SigLIP features are given
  noisy: boolean[]; // per image
  patch: number;
}

export interface Segment {
  start: number; // row in its modality's sequence
  tokens: number;
  padded: number;
}

export interface OmniLayout {
  cap: { positions: Int32Array; flags: number[]; segs: Segment[] };
  img: { positions: Int32Array; flags: number[]; segs: Segment[] };
  sig: { positions: Int32Array; flags: number[]; segs: Segment[] } | null;
}

/** Position ids and per-token noise flags (1 = noisy, 0 = clean) of the omni sequence. */
export function omniLayout(inp: OmniLayoutInput): OmniLayout {
  const n = inp.images.length;
  const capPos: number[] = [];
  const capFlags: number[] = [];
  const capSegs: Segment[] = [];
  const end: number[] = [];
  let cur = 1;
  for (let j = 0; j < inp.capLens.length; j++) {
    const len = inp.capLens[j];
    const padded = padTo(len);
    capSegs.push({ start: capFlags.length, tokens: len, padded });
    const flag = j < n ? Number(inp.noisy[j]) : 1;
    // The reference builds each segment's ids over its padded length and then appends pad ids again, so a
    // segment's id list is longer than its rows by its pad count; the lists are concatenated and cut to the row
    // count. Later segments therefore read ids shifted by the earlier segments' pads: reproduced here.
    for (let i = 0; i < padded; i++) capPos.push(cur + i, 0, 0);
    for (let i = len; i < padded; i++) capPos.push(0, 0, 0);
    for (let i = 0; i < padded; i++) capFlags.push(flag);
    cur += len;
    end.push(cur);
    cur += 2;
  }
  capPos.length = capFlags.length * 3;
  const imgPos: number[] = [];
  const imgFlags: number[] = [];
  const imgSegs: Segment[] = [];
  inp.images.forEach((im, j) => {
    const th = im.h / inp.patch;
    const tw = im.w / inp.patch;
    const tokens = th * tw;
    const padded = padTo(tokens);
    imgSegs.push({ start: imgFlags.length, tokens, padded });
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) imgPos.push(end[j], y, x);
    for (let i = tokens; i < padded; i++) imgPos.push(0, 0, 0);
    for (let i = 0; i < padded; i++) imgFlags.push(Number(inp.noisy[j]));
  });
  let sig: OmniLayout['sig'] = null;
  if (inp.siglip) {
    const pos: number[] = [];
    const flags: number[] = [];
    const segs: Segment[] = [];
    inp.siglip.forEach((s, j) => {
      const tokens = s ? s.h * s.w : 0;
      const padded = s ? padTo(tokens) : 32;
      segs.push({ start: flags.length, tokens, padded });
      if (s) {
        // rescaled onto the latent grid in float32 and truncated, as the reference's .float() ... .to(int32)
        const sh = Math.max(s.h - 1, 1);
        const sw = Math.max(s.w - 1, 1);
        const H = inp.images[j].h - 1;
        const W = inp.images[j].w - 1;
        for (let y = 0; y < s.h; y++)
          for (let x = 0; x < s.w; x++) pos.push(end[j] + 1, Math.trunc(Math.fround(Math.fround(y / sh) * H)), Math.trunc(Math.fround(Math.fround(x / sw) * W)));
      }
      for (let i = tokens; i < padded; i++) pos.push(0, 0, 0);
      for (let i = 0; i < padded; i++) flags.push(Number(inp.noisy[j]));
    });
    sig = { positions: Int32Array.from(pos), flags, segs };
  }
  return {
    cap: { positions: Int32Array.from(capPos), flags: capFlags, segs: capSegs },
    img: { positions: Int32Array.from(imgPos), flags: imgFlags, segs: imgSegs },
    sig,
  };
}

export interface OmniInputs {
  images: Tensor[]; // (C, H, W) latents; the last is the noisy target
  noisy: boolean[];
  caps: Tensor[]; // (L_j, capFeatDim) per segment, images + 1 of them
  /** Per image: SigLIP features (h, w, C) as floats, or null; omit for none at all. */
  siglip?: ({ h: number; w: number; data: Float32Array } | null)[];
  t: number; // model time of the noisy tokens (1 - sigma)
}

/** Row selector for per-token modulation: temb row 0 is t (noisy), row 1 is t = 1 (clean). */
function selector(b: Batch, flags: number[]): Tensor {
  return b.gpu.uploadU32(Uint32Array.from(flags, (f) => (f ? 0 : 1)), [flags.length], 'omni-rowsel');
}

/** The row blocks one after another, (Σ rows, D); the blocks are released. */
function joinRows(b: Batch, parts: Tensor[]): Tensor {
  const out = ops.concatRows(b, parts);
  for (const t of parts) t.release();
  return out;
}

/** RMSNorm then a linear embedder, (rows, in) -> (rows, D); the normed rows die as the embedding is made. */
function normEmbed(b: Batch, x: Tensor, norm: Tensor, w: Tensor, bias: Tensor, eps: number): Tensor {
  return scope(() => ops.matmul(b, ops.rmsNorm(b, x, { weight: norm, eps }), w, { bias }));
}

/** The omni forward: the raw model output for the target image, (C, H, W). */
export function omniForward(dit: ZImageTransformer, inp: OmniInputs): Tensor {
  const { cfg, w, gpu } = dit;
  const p = cfg.patchSize;
  const C = cfg.inChannels;
  const eps = cfg.normEps;
  if (inp.caps.length !== inp.images.length + 1) throw new RangeError(`omni: ${inp.images.length} images need ${inp.images.length + 1} caption segments, got ${inp.caps.length}`);
  if (inp.siglip && !w.siglip) throw new RangeError('omni: SigLIP features given but this checkpoint has no siglip_embedder');
  const layout = omniLayout({
    capLens: inp.caps.map((c) => c.shape[0]),
    images: inp.images.map((im) => ({ h: im.shape[1], w: im.shape[2] })),
    siglip: inp.siglip ? inp.siglip.map((s) => (s ? { h: s.h, w: s.w } : null)) : null,
    noisy: inp.noisy,
    patch: p,
  });
  const siglip = inp.siglip && w.siglip && layout.sig ? { feats: inp.siglip, w: w.siglip, sig: layout.sig } : null;

  return gpu.scope(() => {
    // The three streams embedded, refined and joined; the streams die with this scope, before the main layers run.
    const { temb, u, mod } = scope(() => {
      const e = gpu.run(
        (b) => ({
          temb: dit.timestepEmbed(b, [inp.t, 1]), // (2, A)
          selX: selector(b, layout.img.flags), // (Limg)
          x: joinRows(
            b,
            inp.images.map((im, j) => dit.embedImage(b, im, layout.img.segs[j].padded)),
          ), // (Limg, D)
          c: joinRows(
            b,
            inp.caps.map((cap, j) => dit.padRows(b, normEmbed(b, cap, w.capNorm, w.capEmbedW, w.capEmbedB, eps), layout.cap.segs[j].padded, w.capPadToken)),
          ), // (Lcap, D)
          s: siglip && joinRows(b, siglip.feats.map((f, j) => embedSiglip(b, dit, siglip.w, f, siglip.sig.segs[j].padded))), // (Lsig, D)
        }),
        'omni-embed',
      );
      const imgRope = dit.uploadRope([layout.img.positions]);
      const capRope = dit.uploadRope([layout.cap.positions]);
      for (const blk of w.noiseRefiner) gpu.run((b) => dit.block(b, blk, e.x, imgRope, { temb: e.temb, rowSel: e.selX }), 'omni-noise-refiner');
      for (const blk of w.contextRefiner) gpu.run((b) => dit.block(b, blk, e.c, capRope, null), 'omni-context-refiner');
      if (e.s && siglip) {
        const sigRope = dit.uploadRope([siglip.sig.positions]);
        for (const blk of siglip.w.refiner) gpu.run((b) => dit.block(b, blk, e.s!, sigRope, null), 'omni-siglip-refiner');
      }
      const flags = [...layout.cap.flags, ...layout.img.flags, ...(e.s && siglip ? siglip.sig.flags : [])];
      return gpu.run((b) => ({
        temb: e.temb,
        u: ops.concatRows(b, e.s ? [e.c, e.x, e.s] : [e.c, e.x]), // (Lcap + Limg (+ Lsig), D)
        mod: { temb: e.temb, rowSel: selector(b, flags) } as Modulation,
      }));
    });
    const rope = dit.uploadRope(siglip ? [layout.cap.positions, layout.img.positions, siglip.sig.positions] : [layout.cap.positions, layout.img.positions]);
    for (const blk of w.layers) gpu.run((b) => dit.block(b, blk, u, rope, mod), 'omni-layer');

    const target = layout.img.segs[layout.img.segs.length - 1];
    const capTotal = layout.cap.flags.length;
    const im = inp.images[inp.images.length - 1];
    // temb (2, A): row 0 = noisy, the target's modulation
    return gpu.run((b) => dit.finalLayer(b, u, capTotal + target.start, temb, [C, im.shape[1], im.shape[2]]), 'omni-final');
  }); // the RoPE tables stay cached on the transformer for the next step
}

/** One image's SigLIP features (or the pad token when it has none), embedded and padded: (padded, D). */
function embedSiglip(b: Batch, dit: ZImageTransformer, sw: NonNullable<TransformerWeights['siglip']>, f: { h: number; w: number; data: Float32Array } | null, padded: number): Tensor {
  if (!f) return b.gpu.upload(repeatRow(sw.padToken, padded), [padded, sw.padToken.length], 'f32', 'siglip-pad');
  const ch = f.data.length / (f.h * f.w);
  const e = scope(() => {
    // The reference flattens (h, w, C) by permute(2, 0, 1).reshape(h*w, C): the (C, h, w) buffer read as rows of C.
    const n = scope(() => ops.rmsNorm(b, b.gpu.upload(toChw(f.data, f.h, f.w, ch), [f.h * f.w, ch], 'f32', 'siglip'), { weight: sw.norm, eps: dit.cfg.normEps }));
    return ops.matmul(b, n, sw.w, { bias: sw.b }); // (h*w, D)
  });
  return dit.padRows(b, e, padded, sw.padToken);
}

function repeatRow(row: Float32Array, n: number): Float32Array {
  const out = new Float32Array(row.length * n);
  for (let i = 0; i < n; i++) out.set(row, i * row.length);
  return out;
}

/** (h, w, C) -> the (C, h, w) buffer. */
function toChw(hwc: Float32Array, h: number, w: number, ch: number): Float32Array {
  const out = new Float32Array(hwc.length);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < ch; k++) out[(k * h + y) * w + x] = hwc[(y * w + x) * ch + k];
  return out;
}
