// Every tensor (canonical name -> PyTorch shape) a network of given dims holds (zimage-spec §4.3, §5.2, §7.2, §9):
// what detect.ts compares a file against. Shapes are PyTorch order (Linear weight = [out, in]).
import type { DitDims, Qwen3Dims, VaeDims } from './detect.ts';

export function expectedDit(c: DitDims): Map<string, number[]> {
  const e = new Map<string, number[]>();
  const q = c.nHeads * c.headDim;
  const kv = c.nKvHeads * c.headDim;
  e.set('all_x_embedder.2-1.weight', [c.dim, c.patchIn]).set('all_x_embedder.2-1.bias', [c.dim]);
  e.set('t_embedder.mlp.0.weight', [c.tHidden, c.tFreqDim]).set('t_embedder.mlp.0.bias', [c.tHidden]);
  e.set('t_embedder.mlp.2.weight', [c.adalnDim, c.tHidden]).set('t_embedder.mlp.2.bias', [c.adalnDim]);
  e.set('cap_embedder.0.weight', [c.capFeatDim]).set('cap_embedder.1.weight', [c.dim, c.capFeatDim]).set('cap_embedder.1.bias', [c.dim]);
  e.set('x_pad_token', [1, c.dim]).set('cap_pad_token', [1, c.dim]);
  e.set('all_final_layer.2-1.adaLN_modulation.1.weight', [c.dim, c.adalnDim]).set('all_final_layer.2-1.adaLN_modulation.1.bias', [c.dim]);
  e.set('all_final_layer.2-1.linear.weight', [c.patchOut, c.dim]).set('all_final_layer.2-1.linear.bias', [c.patchOut]);
  if (c.siglipFeatDim !== null) {
    e.set('siglip_embedder.0.weight', [c.siglipFeatDim]).set('siglip_embedder.1.weight', [c.dim, c.siglipFeatDim]);
    e.set('siglip_embedder.1.bias', [c.dim]).set('siglip_pad_token', [1, c.dim]);
  }
  const block = (p: string, modulated: boolean): void => {
    e.set(`${p}.attention.to_q.weight`, [q, c.dim]).set(`${p}.attention.to_k.weight`, [kv, c.dim]);
    e.set(`${p}.attention.to_v.weight`, [kv, c.dim]).set(`${p}.attention.to_out.0.weight`, [c.dim, q]);
    e.set(`${p}.attention.norm_q.weight`, [c.headDim]).set(`${p}.attention.norm_k.weight`, [c.headDim]);
    e.set(`${p}.feed_forward.w1.weight`, [c.ffnDim, c.dim]).set(`${p}.feed_forward.w3.weight`, [c.ffnDim, c.dim]);
    e.set(`${p}.feed_forward.w2.weight`, [c.dim, c.ffnDim]);
    for (const norm of ['attention_norm1', 'attention_norm2', 'ffn_norm1', 'ffn_norm2']) e.set(`${p}.${norm}.weight`, [c.dim]);
    if (modulated) e.set(`${p}.adaLN_modulation.0.weight`, [4 * c.dim, c.adalnDim]).set(`${p}.adaLN_modulation.0.bias`, [4 * c.dim]);
  };
  for (let i = 0; i < c.nLayers; i++) block(`layers.${i}`, true);
  for (let i = 0; i < c.nNoiseRefiner; i++) block(`noise_refiner.${i}`, true);
  for (let i = 0; i < c.nContextRefiner; i++) block(`context_refiner.${i}`, false);
  for (let i = 0; i < c.nSiglipRefiner; i++) block(`siglip_refiner.${i}`, false);
  return e;
}

export function expectedVae(c: VaeDims): Map<string, number[]> {
  const e = new Map<string, number[]>();
  const C = c.blockOutChannels;
  const L = C.length;
  const conv = (p: string, cout: number, cin: number, k: number): void => void e.set(`${p}.weight`, [cout, cin, k, k]).set(`${p}.bias`, [cout]);
  const norm = (p: string, ch: number): void => void e.set(`${p}.weight`, [ch]).set(`${p}.bias`, [ch]);
  const resnet = (p: string, cin: number, cout: number): void => {
    norm(`${p}.norm1`, cin);
    conv(`${p}.conv1`, cout, cin, 3);
    norm(`${p}.norm2`, cout);
    conv(`${p}.conv2`, cout, cout, 3);
    if (cin !== cout) conv(`${p}.conv_shortcut`, cout, cin, 1);
  };
  const mid = (p: string, ch: number): void => {
    resnet(`${p}.mid_block.resnets.0`, ch, ch);
    norm(`${p}.mid_block.attentions.0.group_norm`, ch);
    for (const w of ['to_q', 'to_k', 'to_v', 'to_out.0']) e.set(`${p}.mid_block.attentions.0.${w}.weight`, [ch, ch]).set(`${p}.mid_block.attentions.0.${w}.bias`, [ch]);
    resnet(`${p}.mid_block.resnets.1`, ch, ch);
  };
  if (c.hasEncoder) {
    conv('encoder.conv_in', C[0], c.inChannels, 3);
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < c.layersPerBlock; j++) resnet(`encoder.down_blocks.${i}.resnets.${j}`, j === 0 ? C[Math.max(0, i - 1)] : C[i], C[i]);
      if (i < L - 1) conv(`encoder.down_blocks.${i}.downsamplers.0.conv`, C[i], C[i], 3);
    }
    mid('encoder', C[L - 1]);
    norm('encoder.conv_norm_out', C[L - 1]);
    conv('encoder.conv_out', 2 * c.latentChannels, C[L - 1], 3);
  }
  if (c.hasDecoder) {
    const R = [...C].reverse();
    conv('decoder.conv_in', R[0], c.latentChannels, 3);
    mid('decoder', R[0]);
    for (let i = 0; i < L; i++) {
      for (let j = 0; j <= c.layersPerBlock; j++) resnet(`decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? R[Math.max(0, i - 1)] : R[i], R[i]);
      if (i < L - 1) conv(`decoder.up_blocks.${i}.upsamplers.0.conv`, R[i], R[i], 3);
    }
    norm('decoder.conv_norm_out', C[0]);
    conv('decoder.conv_out', c.outChannels, C[0], 3);
  }
  return e;
}

export function expectedQwen3(c: Qwen3Dims): Map<string, number[]> {
  const e = new Map<string, number[]>();
  const H = c.hiddenSize;
  e.set('model.embed_tokens.weight', [c.vocabSize, H]).set('model.norm.weight', [H]);
  for (let i = 0; i < c.numLayers; i++) {
    const p = `model.layers.${i}`;
    e.set(`${p}.self_attn.q_proj.weight`, [c.numHeads * c.headDim, H]);
    e.set(`${p}.self_attn.k_proj.weight`, [c.numKvHeads * c.headDim, H]);
    e.set(`${p}.self_attn.v_proj.weight`, [c.numKvHeads * c.headDim, H]);
    e.set(`${p}.self_attn.o_proj.weight`, [H, c.numHeads * c.headDim]);
    e.set(`${p}.self_attn.q_norm.weight`, [c.headDim]).set(`${p}.self_attn.k_norm.weight`, [c.headDim]);
    e.set(`${p}.input_layernorm.weight`, [H]).set(`${p}.post_attention_layernorm.weight`, [H]);
    e.set(`${p}.mlp.gate_proj.weight`, [c.intermediateSize, H]).set(`${p}.mlp.up_proj.weight`, [c.intermediateSize, H]);
    e.set(`${p}.mlp.down_proj.weight`, [H, c.intermediateSize]);
  }
  return e;
}
