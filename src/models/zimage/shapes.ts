// Every tensor of the three networks, by diffusers / HF name and PyTorch shape, derived from a config.
// Used by the self-test model generator, the memory planner and load-time checks.
import { ffnDim, headDim, type TextEncoderConfig, type TransformerConfig, type VaeConfig } from './config.ts';

export type TensorShapes = [name: string, shape: number[]][];

/** The adaLN width: min(dim, 256) (diffusers ZImageTransformer2DModel). */
export const adalnDim = (c: TransformerConfig) => Math.min(c.dim, 256);
export const FREQ_DIM = 256; // the timestep sinusoid's width

function ditBlock(c: TransformerConfig, p: string, modulated: boolean): TensorShapes {
  const D = c.dim;
  const hd = headDim(c);
  const F = ffnDim(c);
  const kv = c.nKvHeads * hd;
  const out: TensorShapes = [
    [`${p}.attention.to_q.weight`, [D, D]],
    [`${p}.attention.to_k.weight`, [kv, D]],
    [`${p}.attention.to_v.weight`, [kv, D]],
    [`${p}.attention.to_out.0.weight`, [D, D]],
    [`${p}.attention.norm_q.weight`, [hd]],
    [`${p}.attention.norm_k.weight`, [hd]],
    [`${p}.feed_forward.w1.weight`, [F, D]],
    [`${p}.feed_forward.w2.weight`, [D, F]],
    [`${p}.feed_forward.w3.weight`, [F, D]],
    [`${p}.attention_norm1.weight`, [D]],
    [`${p}.attention_norm2.weight`, [D]],
    [`${p}.ffn_norm1.weight`, [D]],
    [`${p}.ffn_norm2.weight`, [D]],
  ];
  if (modulated) out.push([`${p}.adaLN_modulation.0.weight`, [4 * D, adalnDim(c)]], [`${p}.adaLN_modulation.0.bias`, [4 * D]]);
  return out;
}

export function transformerShapes(c: TransformerConfig): TensorShapes {
  const D = c.dim;
  const patchDim = c.patchSize * c.patchSize * c.inChannels;
  const A = adalnDim(c);
  const out: TensorShapes = [
    ['all_x_embedder.2-1.weight', [D, patchDim]],
    ['all_x_embedder.2-1.bias', [D]],
    ['t_embedder.mlp.0.weight', [1024, FREQ_DIM]],
    ['t_embedder.mlp.0.bias', [1024]],
    ['t_embedder.mlp.2.weight', [A, 1024]],
    ['t_embedder.mlp.2.bias', [A]],
    ['cap_embedder.0.weight', [c.capFeatDim]],
    ['cap_embedder.1.weight', [D, c.capFeatDim]],
    ['cap_embedder.1.bias', [D]],
    ['x_pad_token', [1, D]],
    ['cap_pad_token', [1, D]],
    ['all_final_layer.2-1.adaLN_modulation.1.weight', [D, A]],
    ['all_final_layer.2-1.adaLN_modulation.1.bias', [D]],
    ['all_final_layer.2-1.linear.weight', [patchDim, D]],
    ['all_final_layer.2-1.linear.bias', [patchDim]],
  ];
  for (let i = 0; i < c.nRefinerLayers; i++) out.push(...ditBlock(c, `noise_refiner.${i}`, true));
  for (let i = 0; i < c.nRefinerLayers; i++) out.push(...ditBlock(c, `context_refiner.${i}`, false));
  for (let i = 0; i < c.nLayers; i++) out.push(...ditBlock(c, `layers.${i}`, true));
  if (c.siglipFeatDim) {
    out.push(['siglip_embedder.0.weight', [c.siglipFeatDim]], ['siglip_embedder.1.weight', [D, c.siglipFeatDim]], ['siglip_embedder.1.bias', [D]], ['siglip_pad_token', [1, D]]);
    for (let i = 0; i < c.nRefinerLayers; i++) out.push(...ditBlock(c, `siglip_refiner.${i}`, false));
  }
  return out;
}

/** Qwen3 decoder tensors; `layers` limits to the first n (Z-Image needs n_layers - 1). */
/** A Z-Image-Fun ControlNet for this DiT (control.ts): its embedder, control refiner and control layers. */
export function controlNetShapes(c: TransformerConfig, nControlLayers: number, nControlRefiner: number, inDim: number): TensorShapes {
  const D = c.dim;
  const proj = (p: string, first: boolean): TensorShapes => [
    ...(first ? ([[`${p}.before_proj.weight`, [D, D]], [`${p}.before_proj.bias`, [D]]] as TensorShapes) : []),
    [`${p}.after_proj.weight`, [D, D]],
    [`${p}.after_proj.bias`, [D]],
  ];
  const out: TensorShapes = [
    ['control_all_x_embedder.2-1.weight', [D, c.patchSize * c.patchSize * inDim]],
    ['control_all_x_embedder.2-1.bias', [D]],
  ];
  for (let i = 0; i < nControlRefiner; i++) out.push(...ditBlock(c, `control_noise_refiner.${i}`, true), ...proj(`control_noise_refiner.${i}`, i === 0));
  for (let i = 0; i < nControlLayers; i++) out.push(...ditBlock(c, `control_layers.${i}`, true), ...proj(`control_layers.${i}`, i === 0));
  return out;
}

export function textEncoderShapes(c: TextEncoderConfig, layers = c.nLayers): TensorShapes {
  const H = c.hiddenSize;
  const out: TensorShapes = [['model.embed_tokens.weight', [c.vocabSize, H]]];
  for (let i = 0; i < layers; i++) {
    const p = `model.layers.${i}`;
    out.push(
      [`${p}.input_layernorm.weight`, [H]],
      [`${p}.post_attention_layernorm.weight`, [H]],
      [`${p}.self_attn.q_proj.weight`, [c.nHeads * c.headDim, H]],
      [`${p}.self_attn.k_proj.weight`, [c.nKvHeads * c.headDim, H]],
      [`${p}.self_attn.v_proj.weight`, [c.nKvHeads * c.headDim, H]],
      [`${p}.self_attn.o_proj.weight`, [H, c.nHeads * c.headDim]],
      [`${p}.self_attn.q_norm.weight`, [c.headDim]],
      [`${p}.self_attn.k_norm.weight`, [c.headDim]],
      [`${p}.mlp.gate_proj.weight`, [c.intermediateSize, H]],
      [`${p}.mlp.up_proj.weight`, [c.intermediateSize, H]],
      [`${p}.mlp.down_proj.weight`, [H, c.intermediateSize]],
    );
  }
  if (layers === c.nLayers) out.push(['model.norm.weight', [H]]);
  return out;
}

function resnet(p: string, cin: number, cout: number): TensorShapes {
  const out: TensorShapes = [
    [`${p}.norm1.weight`, [cin]],
    [`${p}.norm1.bias`, [cin]],
    [`${p}.conv1.weight`, [cout, cin, 3, 3]],
    [`${p}.conv1.bias`, [cout]],
    [`${p}.norm2.weight`, [cout]],
    [`${p}.norm2.bias`, [cout]],
    [`${p}.conv2.weight`, [cout, cout, 3, 3]],
    [`${p}.conv2.bias`, [cout]],
  ];
  if (cin !== cout) out.push([`${p}.conv_shortcut.weight`, [cout, cin, 1, 1]], [`${p}.conv_shortcut.bias`, [cout]]);
  return out;
}

function mid(p: string, C: number): TensorShapes {
  const out = [...resnet(`${p}.resnets.0`, C, C)];
  const a = `${p}.attentions.0`;
  out.push([`${a}.group_norm.weight`, [C]], [`${a}.group_norm.bias`, [C]]);
  for (const n of ['to_q', 'to_k', 'to_v', 'to_out.0']) out.push([`${a}.${n}.weight`, [C, C]], [`${a}.${n}.bias`, [C]]);
  out.push(...resnet(`${p}.resnets.1`, C, C));
  return out;
}

export function vaeDecoderShapes(c: VaeConfig): TensorShapes {
  const rev = [...c.blockOutChannels].reverse();
  const out: TensorShapes = [
    ['decoder.conv_in.weight', [rev[0], c.latentChannels, 3, 3]],
    ['decoder.conv_in.bias', [rev[0]]],
    ...mid('decoder.mid_block', rev[0]),
  ];
  let cin = rev[0];
  rev.forEach((cout, i) => {
    for (let j = 0; j <= c.layersPerBlock; j++) {
      out.push(...resnet(`decoder.up_blocks.${i}.resnets.${j}`, j === 0 ? cin : cout, cout));
    }
    cin = cout;
    if (i < rev.length - 1) out.push([`decoder.up_blocks.${i}.upsamplers.0.conv.weight`, [cout, cout, 3, 3]], [`decoder.up_blocks.${i}.upsamplers.0.conv.bias`, [cout]]);
  });
  const last = rev[rev.length - 1];
  out.push(['decoder.conv_norm_out.weight', [last]], ['decoder.conv_norm_out.bias', [last]], ['decoder.conv_out.weight', [c.outChannels, last, 3, 3]], ['decoder.conv_out.bias', [c.outChannels]]);
  return out;
}

export function vaeEncoderShapes(c: VaeConfig): TensorShapes {
  const ch = c.blockOutChannels;
  const out: TensorShapes = [['encoder.conv_in.weight', [ch[0], c.inChannels, 3, 3]], ['encoder.conv_in.bias', [ch[0]]]];
  let cin = ch[0];
  ch.forEach((cout, i) => {
    for (let j = 0; j < c.layersPerBlock; j++) out.push(...resnet(`encoder.down_blocks.${i}.resnets.${j}`, j === 0 ? cin : cout, cout));
    cin = cout;
    if (i < ch.length - 1) out.push([`encoder.down_blocks.${i}.downsamplers.0.conv.weight`, [cout, cout, 3, 3]], [`encoder.down_blocks.${i}.downsamplers.0.conv.bias`, [cout]]);
  });
  const top = ch[ch.length - 1];
  out.push(...mid('encoder.mid_block', top));
  out.push(['encoder.conv_norm_out.weight', [top]], ['encoder.conv_norm_out.bias', [top]], ['encoder.conv_out.weight', [2 * c.latentChannels, top, 3, 3]], ['encoder.conv_out.bias', [2 * c.latentChannels]]);
  return out;
}

export const countParams = (s: TensorShapes) => s.reduce((n, [, shape]) => n + shape.reduce((a, b) => a * b, 1), 0);
