// Shader composition: the one way kernels build WGSL variants. A composed shader is an ordered list of named parts:
//   - files of shaders/ (a part named after its file), as they are or instantiated through one of the two template
//     forms files declare in their header: a weight-format template's `WT_` names become the weight's binding name
//     (`instantiate`), and `//@rows{ ... //@}` blocks are repeated once per row with `@R` the row number (`unroll`);
//   - small declaration blocks a kernel's TS generates (bindings, accessors), named for what they declare.
// Numbers and on/off switches that leave the source alone (workgroup and tile sizes, OP, HAS_SCALE) stay WGSL
// `override` constants, given per pipeline (pipelines.ts): they cost a pipeline, not a shader module.
//
// A shader is named by its key: the kernel and the variant choices that picked its parts, in the kernel's order,
// e.g. `matmul[body=wide,w=q4,params=f16,epilogue=gated+sel+residual]`. The pipeline cache keys shader modules by
// it, the snapshot tests (tests/shaders/) name their files by it and the `shaders` debug flag prints it. One key,
// one source: `shader()` builds a key's parts once; with `checkKeys` on (the snapshot tests, the `shaders` debug
// flag) it builds them on every call and throws if a key ever comes with another source.
import { debug } from './debug.ts';

export interface ShaderPart {
  readonly name: string;
  readonly code: string;
}

/** Variant choices that change the source: name -> choice. */
export type Variant = Readonly<Record<string, string | number>>;

export interface Shader {
  /** Kernel family, the snake_case of its main shaders/ file (e.g. 'rms_norm'). */
  readonly kernel: string;
  readonly variant: Variant;
  /** kernel[choice=value,...]: everything the source depends on. */
  readonly key: string;
  /** Part names in source order. */
  readonly parts: readonly string[];
  readonly code: string;
}

export const composeOptions = { checkKeys: false };

export function part(name: string, code: string): ShaderPart {
  return { name, code };
}

/** A weight-format template with its `WT_` names given the weight's binding name (w0_at, w0_data, ...). */
export function instantiate(p: ShaderPart, name: string): ShaderPart {
  if (!/^[a-z]\w*$/.test(name)) throw new RangeError(`instantiate: ${name} is not a WGSL name`);
  return { name: `${p.name}<WT=${name}>`, code: p.code.replace(/\bWT_/g, `${name}_`) };
}

const ROW_BLOCK = /^[ \t]*\/\/@rows\{[^\n]*\n([\s\S]*?)^[ \t]*\/\/@\}[^\n]*\n/gm;

/**
 * Repeats each `//@rows{ ... //@}` block of `code` once per row 0 .. rows-1 with `@R` replaced by the row number,
 * and declares `const <name> = rows` first. Throws on a block left open or an `@R` outside any block.
 * Why source-level: a loop over a few rows whose per-row state lives in an array indexed by the loop counter is
 * kept in memory by compilers that do not unroll it (SwiftShader: 2-3x slower on attention_rows.wgsl). Only for a
 * few rows: more live variables than registers spill (matmul_wide.wgsl with 16 rows unrolled ran 1.7x slower).
 */
export function unrollRows(code: string, rows: number, name: string): string {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`unrollRows: rows must be a positive integer, got ${rows}`);
  const body = code.replace(ROW_BLOCK, (_, block: string) =>
    Array.from({ length: rows }, (_, r) => block.replaceAll('@R', String(r))).join(''),
  );
  const live = body.replace(/\/\/.*$/gm, (c) => (c.startsWith('//@') ? c : '')); // comments may mention @R
  if (live.includes('@R') || live.includes('//@')) throw new Error('unrollRows: an unbalanced //@rows{ block');
  return `const ${name} = ${rows}u;\n${body}`;
}

/** A part whose `//@rows{` blocks are repeated `rows` times, with `const <name> = rows` declared. */
export function unroll(p: ShaderPart, rows: number, name: string): ShaderPart {
  return { name: `${p.name}<${name}=${rows}>`, code: unrollRows(p.code, rows, name) };
}

export function shaderKey(kernel: string, variant: Variant): string {
  let key = kernel;
  let sep = '[';
  for (const k in variant) {
    key += `${sep}${k}=${variant[k]}`;
    sep = ',';
  }
  return sep === ',' ? `${key}]` : key;
}

/** The shader made of `parts` in order, each after a `// ---- part: <name>` line (uncached). */
export function composeShader(kernel: string, variant: Variant, parts: readonly ShaderPart[]): Shader {
  for (const s of [kernel, ...Object.entries(variant).flat()])
    if (/[[\],=\s]/.test(String(s))) throw new RangeError(`shader key: '${s}' has a bracket, comma, '=' or space`);
  const code = parts.map((p) => `// ---- part: ${p.name}\n${p.code}`).join('\n');
  return { kernel, variant, key: shaderKey(kernel, variant), parts: parts.map((p) => p.name), code };
}

const cache = new Map<string, Shader>();

/** The shader of (kernel, variant), its parts built by `build` the first time the key is asked for. */
export function shader(kernel: string, variant: Variant, build: () => readonly ShaderPart[]): Shader {
  const key = shaderKey(kernel, variant);
  const known = cache.get(key);
  if (known && !composeOptions.checkKeys && !debug.shaders) return known;
  const made = composeShader(kernel, variant, build());
  if (known) {
    if (known.code !== made.code) throw new Error(`shader ${key}: one key, two sources (a variant choice is missing from the key)`);
    return known;
  }
  cache.set(key, made);
  return made;
}

/** The shader of a kernel that is one file of shaders/, as it is. */
export function fileShader(kernel: string, code: string): Shader {
  return shader(kernel, {}, () => [part(kernel, code)]);
}
