// patchify
// parts: patchify
// ---- part: patchify
// patchify / unpatchify: Z-Image's latent <-> token layout (ZImageTransformer2DModel.patchify_and_embed, F = 1).
//   latent x (C, H, W), patch P, grid (Ht, Wt) = (H/P, W/P), F = P*P*C features per token:
//   token index t = ht*Wt + wt (row-major), feature index f = (ph*P + pw)*C + c (c fastest), and
//   tokens[t, f] = x[c, ht*P + ph, wt*P + pw].
// Entry `patchify`: tokens (Ht*Wt, F) from x. Entry `unpatchify`: x from the first Ht*Wt rows of tokens (the rows
//   past them, e.g. caption tokens of the unified stream, are not read).
// Bindings: 0 params, 1 src (read), 2 dst (read_write). Dispatch: ceil(C*H*W / WG) workgroups folded into (x, y)
//   by grid(); one output element per invocation.
override WG: u32 = 256;

struct Params {
  n: u32, // C*H*W
  channels: u32,
  height: u32,
  width: u32,
  ps: u32, // patch size P ("patch" is a WGSL reserved word)
  row_stride: u32, // invocations per grid row = num_workgroups.x * WG
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;

// Index into the latent of token feature (t, f).
fn latent_index(t: u32, f: u32) -> u32 {
  let wt_n = p.width / p.ps;
  let c = f % p.channels;
  let pp = f / p.channels;
  let y = (t / wt_n) * p.ps + pp / p.ps;
  let x = (t % wt_n) * p.ps + pp % p.ps;
  return (c * p.height + y) * p.width + x;
}

@compute @workgroup_size(WG)
fn patchify(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  let feats = p.ps * p.ps * p.channels;
  dst[i] = src[latent_index(i / feats, i % feats)];
}

@compute @workgroup_size(WG)
fn unpatchify(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x + gid.y * p.row_stride;
  if (i >= p.n) { return; }
  let hw = p.height * p.width;
  let c = i / hw;
  let y = (i % hw) / p.width;
  let x = i % p.width;
  let t = (y / p.ps) * (p.width / p.ps) + x / p.ps;
  let f = ((y % p.ps) * p.ps + x % p.ps) * p.channels + c;
  dst[i] = src[t * p.ps * p.ps * p.channels + f];
}
