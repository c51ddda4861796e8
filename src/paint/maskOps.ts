// The effective mask: what the pipeline gets from the painted one. Grow or shrink by a distance (exact Euclidean
// distance transform, Felzenszwalb & Huttenlocher 2012, separable: one 1-D pass per column, then per row), then
// feather the edge (separable Gaussian blur). Masks are one byte per pixel, row-major, 255 = repaint; a pixel counts
// as painted at >= 128. Pure: the editor's live preview and the store's edit run both call these.

const INF = 1e20;

/** 1-D squared distance transform of f (0 at sites, INF elsewhere) into d; v, z are scratch. */
function edt1d(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = -INF;
  z[1] = INF;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = INF;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}

/** Squared Euclidean distance (px²) from each pixel to the nearest pixel where `site(i)` holds; INF when none. */
export function squaredDistance(width: number, height: number, site: (i: number) => boolean): Float64Array {
  const out = new Float64Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = site(i) ? 0 : INF;
  const n = Math.max(width, height);
  const f = new Float64Array(n);
  const d = new Float64Array(n);
  const v = new Int32Array(n);
  const z = new Float64Array(n + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = out[y * width + x];
    edt1d(f, height, d, v, z);
    for (let y = 0; y < height; y++) out[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = out[row + x];
    edt1d(f, width, d, v, z);
    for (let x = 0; x < width; x++) out[row + x] = d[x];
  }
  return out;
}

/** Grows (px > 0) or shrinks (px < 0) the painted area by a Euclidean distance; the result is 0 or 255. */
export function growShrinkMask(mask: Uint8Array, width: number, height: number, px: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  if (px === 0) {
    for (let i = 0; i < mask.length; i++) out[i] = mask[i] >= 128 ? 255 : 0;
    return out;
  }
  const r2 = px * px;
  if (px > 0) {
    const d = squaredDistance(width, height, (i) => mask[i] >= 128);
    for (let i = 0; i < out.length; i++) out[i] = d[i] <= r2 ? 255 : 0;
  } else {
    const d = squaredDistance(width, height, (i) => mask[i] < 128);
    for (let i = 0; i < out.length; i++) out[i] = d[i] > r2 ? 255 : 0;
  }
  return out;
}

/** A normalised Gaussian kernel of sigma = radius / 2, 2·radius+1 taps. */
function gaussian(radius: number): Float32Array {
  const sigma = radius / 2;
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Feathers a mask: a separable Gaussian blur of the given radius (px), edges clamped. */
export function featherMask(mask: Uint8Array, width: number, height: number, radius: number): Uint8Array {
  const r = Math.round(radius);
  if (r <= 0) return mask.slice();
  const k = gaussian(r);
  const tmp = new Float32Array(mask.length);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r] * mask[row + Math.min(width - 1, Math.max(0, x + i))];
      tmp[row + x] = acc;
    }
  }
  const out = new Uint8Array(mask.length);
  for (let x = 0; x < width; x++)
    for (let y = 0; y < height; y++) {
      let acc = 0;
      for (let i = -r; i <= r; i++) acc += k[i + r] * tmp[Math.min(height - 1, Math.max(0, y + i)) * width + x];
      out[y * width + x] = Math.round(acc);
    }
  return out;
}

export interface MaskAdjust {
  /** px: > 0 grows, < 0 shrinks. */
  grow: number;
  /** px of feathering. */
  feather: number;
}

/** The mask the pipeline gets: grown or shrunk, then feathered. */
export function effectiveMask(mask: Uint8Array, width: number, height: number, a: MaskAdjust): Uint8Array {
  return featherMask(growShrinkMask(mask, width, height, Math.round(a.grow)), width, height, a.feather);
}

/** Bilinear resize of a one-channel mask. */
export function resizeMask(mask: Uint8Array, width: number, height: number, toW: number, toH: number): Uint8Array {
  const out = new Uint8Array(toW * toH);
  const sx = width / toW;
  const sy = height / toH;
  for (let y = 0; y < toH; y++) {
    const fy = Math.max(0, (y + 0.5) * sy - 0.5);
    const y0 = Math.min(height - 1, Math.floor(fy));
    const y1 = Math.min(height - 1, y0 + 1);
    const ty = fy - y0;
    for (let x = 0; x < toW; x++) {
      const fx = Math.max(0, (x + 0.5) * sx - 0.5);
      const x0 = Math.min(width - 1, Math.floor(fx));
      const x1 = Math.min(width - 1, x0 + 1);
      const tx = fx - x0;
      const top = mask[y0 * width + x0] * (1 - tx) + mask[y0 * width + x1] * tx;
      const bot = mask[y1 * width + x0] * (1 - tx) + mask[y1 * width + x1] * tx;
      out[y * toW + x] = Math.round(top * (1 - ty) + bot * ty);
    }
  }
  return out;
}

/** The effective mask at preview size (at most maxSide px), with grow and feather scaled to match: fast enough to follow a slider. */
export function previewEffectiveMask(mask: Uint8Array, width: number, height: number, a: MaskAdjust, maxSide = 256): { width: number; height: number; data: Uint8Array } {
  const k = Math.min(1, maxSide / Math.max(width, height));
  const w = Math.max(1, Math.round(width * k));
  const h = Math.max(1, Math.round(height * k));
  const small = k < 1 ? resizeMask(mask, width, height, w, h) : mask;
  return { width: w, height: h, data: effectiveMask(small, w, h, { grow: a.grow * k, feather: a.feather * k }) };
}

/** A mask from an image's alpha channel: transparent (alpha < 128) is to be repainted. Null when the image is opaque. */
export function maskFromAlpha(rgba: Uint8Array | Uint8ClampedArray): Uint8Array | null {
  const n = rgba.length / 4;
  let any = false;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    if (rgba[i * 4 + 3] < 128) {
      out[i] = 255;
      any = true;
    }
  }
  return any ? out : null;
}
