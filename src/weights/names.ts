// Name maps: every published naming of the three networks -> one canonical naming (diffusers names for the DiT and
// the VAE, Hugging Face transformers names for Qwen3). Sources: ../shared/docs/zimage-spec.md §4, §5.2, §5.9, §7.2.
//
// Each network has one ordered rule table; the first rule whose pattern matches a (prefix-stripped) file name wins.
// A rule names the naming it belongs to, so detection can say which naming a file uses. The last rule of each table
// is the canonical naming's identity, so names of no known form come out unchanged and the detector reports them as
// unexpected. Rules can split a fused tensor along its rows (Comfy's attention.qkv -> to_q, to_k, to_v), squeeze
// 1x1 convolution kernels to matrices (LDM attention q/k/v/proj_out), or drop a tensor nobody uses (IGNORE).
//
// llama.cpp's converter does not permute Qwen3's q/k rows (Qwen3 uses NeoX rotate-half RoPE, which ggml runs as
// is), so GGUF Qwen3 matrices map 1:1 onto the HF ones.

export type Network = 'dit' | 'vae' | 'qwen3';
export type Naming = 'diffusers' | 'comfy' | 'flux' | 'hf' | 'llama.cpp';

export interface NameContext {
  /** VAE in FLUX / LDM names: number of decoder.up.N levels, for reversing up-block indices. */
  vaeUpLevels: number;
}

export interface NameTarget {
  canonical: string;
  /** The file tensor is `parts` equal row blocks of which this is block `index` (dim 0). */
  split?: { index: number; parts: number };
  /** Drop trailing size-1 dimensions ([C, C, 1, 1] -> [C, C]). */
  squeeze?: boolean;
}

type To = string | string[] | ((m: RegExpMatchArray, ctx: NameContext) => string);
interface Rule {
  naming: Naming;
  re: RegExp;
  to: To | typeof IGNORE;
  squeeze?: boolean;
}

export const IGNORE = Symbol('ignore');

const BLOCK = '((?:layers|noise_refiner|context_refiner|siglip_refiner)\\.\\d+)';

/** DiT: ComfyUI / stable-diffusion.cpp / city96 GGUF (`lumina2`) names, then diffusers (canonical). */
const DIT_RULES: Rule[] = [
  { naming: 'comfy', re: /^x_embedder\.(weight|bias)$/, to: 'all_x_embedder.2-1.$1' },
  { naming: 'comfy', re: /^final_layer\.(.+)$/, to: 'all_final_layer.2-1.$1' },
  { naming: 'comfy', re: new RegExp(`^${BLOCK}\\.attention\\.qkv\\.weight$`), to: ['$1.attention.to_q.weight', '$1.attention.to_k.weight', '$1.attention.to_v.weight'] },
  { naming: 'comfy', re: new RegExp(`^${BLOCK}\\.attention\\.out\\.weight$`), to: '$1.attention.to_out.0.weight' },
  { naming: 'comfy', re: new RegExp(`^${BLOCK}\\.attention\\.q_norm\\.weight$`), to: '$1.attention.norm_q.weight' },
  { naming: 'comfy', re: new RegExp(`^${BLOCK}\\.attention\\.k_norm\\.weight$`), to: '$1.attention.norm_k.weight' },
  { naming: 'comfy', re: /^norm_final\.weight$/, to: IGNORE }, // present in Comfy files, unused by the model (spec §5.2)
  { naming: 'diffusers', re: /^(.+)$/, to: '$1' },
];

const up = (m: RegExpMatchArray, ctx: NameContext): number => ctx.vaeUpLevels - 1 - Number(m[1]);

/** VAE: FLUX / LDM (`ae.safetensors`) names, legacy diffusers attention names, then diffusers (canonical). */
const VAE_RULES: Rule[] = [
  { naming: 'flux', re: /^(encoder|decoder)\.norm_out\.(weight|bias)$/, to: '$1.conv_norm_out.$2' },
  { naming: 'flux', re: /^encoder\.down\.(\d+)\.block\.(\d+)\.nin_shortcut\.(weight|bias)$/, to: 'encoder.down_blocks.$1.resnets.$2.conv_shortcut.$3' },
  { naming: 'flux', re: /^encoder\.down\.(\d+)\.block\.(\d+)\.(norm[12]|conv[12])\.(weight|bias)$/, to: 'encoder.down_blocks.$1.resnets.$2.$3.$4' },
  { naming: 'flux', re: /^encoder\.down\.(\d+)\.downsample\.conv\.(weight|bias)$/, to: 'encoder.down_blocks.$1.downsamplers.0.conv.$2' },
  { naming: 'flux', re: /^decoder\.up\.(\d+)\.block\.(\d+)\.nin_shortcut\.(weight|bias)$/, to: (m, c) => `decoder.up_blocks.${up(m, c)}.resnets.${m[2]}.conv_shortcut.${m[3]}` },
  { naming: 'flux', re: /^decoder\.up\.(\d+)\.block\.(\d+)\.(norm[12]|conv[12])\.(weight|bias)$/, to: (m, c) => `decoder.up_blocks.${up(m, c)}.resnets.${m[2]}.${m[3]}.${m[4]}` },
  { naming: 'flux', re: /^decoder\.up\.(\d+)\.upsample\.conv\.(weight|bias)$/, to: (m, c) => `decoder.up_blocks.${up(m, c)}.upsamplers.0.conv.${m[2]}` },
  { naming: 'flux', re: /^(encoder|decoder)\.mid\.block_1\.(.+)$/, to: '$1.mid_block.resnets.0.$2' },
  { naming: 'flux', re: /^(encoder|decoder)\.mid\.block_2\.(.+)$/, to: '$1.mid_block.resnets.1.$2' },
  { naming: 'flux', re: /^(encoder|decoder)\.mid\.attn_1\.norm\.(weight|bias)$/, to: '$1.mid_block.attentions.0.group_norm.$2' },
  { naming: 'flux', re: /^(encoder|decoder)\.mid\.attn_1\.(q|k|v)\.(weight|bias)$/, to: '$1.mid_block.attentions.0.to_$2.$3', squeeze: true },
  { naming: 'flux', re: /^(encoder|decoder)\.mid\.attn_1\.proj_out\.(weight|bias)$/, to: '$1.mid_block.attentions.0.to_out.0.$2', squeeze: true },
  { naming: 'diffusers', re: /^(encoder|decoder)\.mid_block\.attentions\.0\.query\.(weight|bias)$/, to: '$1.mid_block.attentions.0.to_q.$2' },
  { naming: 'diffusers', re: /^(encoder|decoder)\.mid_block\.attentions\.0\.key\.(weight|bias)$/, to: '$1.mid_block.attentions.0.to_k.$2' },
  { naming: 'diffusers', re: /^(encoder|decoder)\.mid_block\.attentions\.0\.value\.(weight|bias)$/, to: '$1.mid_block.attentions.0.to_v.$2' },
  { naming: 'diffusers', re: /^(encoder|decoder)\.mid_block\.attentions\.0\.proj_attn\.(weight|bias)$/, to: '$1.mid_block.attentions.0.to_out.0.$2' },
  { naming: 'diffusers', re: /^(.+)$/, to: '$1' },
];

const LLAMA_LAYER: Record<string, string> = {
  attn_q: 'self_attn.q_proj', attn_k: 'self_attn.k_proj', attn_v: 'self_attn.v_proj', attn_output: 'self_attn.o_proj',
  attn_q_norm: 'self_attn.q_norm', attn_k_norm: 'self_attn.k_norm',
  attn_norm: 'input_layernorm', ffn_norm: 'post_attention_layernorm',
  ffn_gate: 'mlp.gate_proj', ffn_up: 'mlp.up_proj', ffn_down: 'mlp.down_proj',
};

/** Qwen3: llama.cpp GGUF names, then HF (canonical, `model.` prefix optional in files). */
const QWEN3_RULES: Rule[] = [
  { naming: 'llama.cpp', re: /^token_embd\.weight$/, to: 'model.embed_tokens.weight' },
  { naming: 'llama.cpp', re: /^output_norm\.weight$/, to: 'model.norm.weight' },
  { naming: 'llama.cpp', re: /^output\.weight$/, to: IGNORE }, // the LM head (tied to the embedding): not used here
  { naming: 'llama.cpp', re: new RegExp(`^blk\\.(\\d+)\\.(${Object.keys(LLAMA_LAYER).join('|')})\\.weight$`), to: (m) => `model.layers.${m[1]}.${LLAMA_LAYER[m[2]]}.weight` },
  { naming: 'hf', re: /^lm_head\.weight$/, to: IGNORE },
  { naming: 'hf', re: /^(?:model\.)?(.+)$/, to: 'model.$1' },
];

const RULES: Record<Network, Rule[]> = { dit: DIT_RULES, vae: VAE_RULES, qwen3: QWEN3_RULES };

/** Prefixes that wrap a network inside a bigger checkpoint (Comfy / sd.cpp / LDM), stripped before mapping. */
const PREFIXES: Record<Network, string[]> = {
  dit: ['model.diffusion_model.', 'diffusion_model.'],
  vae: ['first_stage_model.', 'vae.'],
  qwen3: [],
};

export function stripPrefix(network: Network, name: string): string {
  for (const p of PREFIXES[network]) if (name.startsWith(p)) return name.slice(p.length);
  return name;
}

/** The naming a rule belongs to, the targets (empty for IGNORE). */
export function mapName(network: Network, fileName: string, ctx: NameContext): { naming: Naming; targets: NameTarget[] } {
  const name = stripPrefix(network, fileName);
  for (const rule of RULES[network]) {
    const m = name.match(rule.re);
    if (!m) continue;
    if (rule.to === IGNORE) return { naming: rule.naming, targets: [] };
    const fill = (t: string): string => t.replace(/\$(\d)/g, (_, i: string) => m[Number(i)] ?? '');
    if (typeof rule.to === 'function') return { naming: rule.naming, targets: [{ canonical: rule.to(m, ctx), squeeze: rule.squeeze }] };
    if (Array.isArray(rule.to)) {
      const parts = rule.to.length;
      return { naming: rule.naming, targets: rule.to.map((t, index) => ({ canonical: fill(t), split: { index, parts } })) };
    }
    return { naming: rule.naming, targets: [{ canonical: fill(rule.to), squeeze: rule.squeeze }] };
  }
  return { naming: canonicalNaming(network), targets: [{ canonical: name }] };
}

export function canonicalNaming(network: Network): Naming {
  return network === 'qwen3' ? 'hf' : 'diffusers';
}

/** Context a file's own names imply (the VAE up-level count). */
export function nameContext(fileNames: readonly string[]): NameContext {
  let levels = 0;
  for (const n of fileNames) {
    const m = stripPrefix('vae', n).match(/^decoder\.up\.(\d+)\./);
    if (m) levels = Math.max(levels, Number(m[1]) + 1);
  }
  return { vaeUpLevels: levels };
}

/** Signatures: names (prefix-stripped) that only a given network and naming have. */
const SIGNATURES: { network: Network; naming: Naming; re: RegExp }[] = [
  { network: 'dit', naming: 'comfy', re: /^(?:(?:layers|noise_refiner|context_refiner)\.\d+\.attention\.qkv\.weight|x_embedder\.weight)$/ },
  { network: 'dit', naming: 'diffusers', re: /^(?:(?:layers|noise_refiner|context_refiner)\.\d+\.attention\.to_q\.weight|all_x_embedder\.2-1\.weight|cap_embedder\.1\.weight)$/ },
  { network: 'vae', naming: 'flux', re: /^(?:encoder|decoder)\.(?:down|up|mid)\.(?:\d+|block_\d|attn_1)\./ },
  { network: 'vae', naming: 'diffusers', re: /^(?:encoder|decoder)\.(?:down_blocks|up_blocks|mid_block)\./ },
  { network: 'qwen3', naming: 'llama.cpp', re: /^(?:blk\.\d+\.attn_q\.weight|token_embd\.weight)$/ },
  { network: 'qwen3', naming: 'hf', re: /^(?:model\.)?(?:layers\.\d+\.self_attn\.q_proj\.weight|embed_tokens\.weight)$/ },
];

/**
 * Which network and naming the names belong to: the network whose signatures match most names, and within it the
 * non-canonical naming if any of its signature names occurs.
 * `archHint` (GGUF general.architecture) breaks ties. Null when nothing matches: not one of our networks.
 */
export function detectNaming(fileNames: readonly string[], archHint?: string): { network: Network; naming: Naming } | null {
  const score = new Map<string, number>();
  for (const n of fileNames) {
    for (const s of SIGNATURES) {
      if (s.re.test(stripPrefix(s.network, n))) score.set(`${s.network}/${s.naming}`, (score.get(`${s.network}/${s.naming}`) ?? 0) + 1);
    }
  }
  const perNetwork = (net: Network): number => SIGNATURES.filter((s) => s.network === net).reduce((a, s) => a + (score.get(`${s.network}/${s.naming}`) ?? 0), 0);
  const hint: Network | undefined = archHint === 'lumina2' ? 'dit' : archHint === 'qwen3' ? 'qwen3' : undefined;
  let best: Network | null = null;
  for (const net of ['dit', 'vae', 'qwen3'] as Network[]) {
    const s = perNetwork(net);
    if (s === 0) continue;
    if (best === null || s > perNetwork(best) || (s === perNetwork(best) && net === hint)) best = net;
  }
  if (best === null) return null;
  const alt = SIGNATURES.find((s) => s.network === best && s.naming !== canonicalNaming(best));
  const usesAlt = alt !== undefined && fileNames.some((n) => alt.re.test(stripPrefix(best, n)));
  return { network: best, naming: usesAlt ? alt.naming : canonicalNaming(best) };
}
