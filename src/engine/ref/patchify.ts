// CPU reference for shaders/patchify.wgsl, written as the reference's view + permute:
//   patchify:   x.view(C, Ht, P, Wt, P).permute(1, 3, 2, 4, 0).reshape(Ht*Wt, P*P*C)
//   unpatchify: tokens[:Ht*Wt].view(Ht, Wt, P, P, C).permute(4, 0, 2, 1, 3).reshape(C, H, W)
export function patchifyRef(x: Float32Array, C: number, H: number, W: number, P: number): Float32Array {
  const Ht = H / P, Wt = W / P; // prettier-ignore
  const out = new Float32Array(C * H * W);
  let i = 0;
  for (let ht = 0; ht < Ht; ht++)
    for (let wt = 0; wt < Wt; wt++)
      for (let ph = 0; ph < P; ph++)
        for (let pw = 0; pw < P; pw++)
          for (let c = 0; c < C; c++) out[i++] = x[(c * H + ht * P + ph) * W + wt * P + pw];
  return out;
}

export function unpatchifyRef(tokens: Float32Array, C: number, H: number, W: number, P: number): Float32Array {
  const Ht = H / P, Wt = W / P; // prettier-ignore
  const out = new Float32Array(C * H * W);
  let i = 0;
  for (let ht = 0; ht < Ht; ht++)
    for (let wt = 0; wt < Wt; wt++)
      for (let ph = 0; ph < P; ph++)
        for (let pw = 0; pw < P; pw++)
          for (let c = 0; c < C; c++) out[(c * H + ht * P + ph) * W + wt * P + pw] = tokens[i++];
  return out;
}
