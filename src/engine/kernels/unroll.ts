// Source-level unrolling for WGSL kernels. A loop over a small count of rows whose per-row state lives in an
// array indexed by the loop counter is kept in memory by compilers that do not unroll it (SwiftShader: 2-3x
// slower on attention_rows.wgsl), so kernels write per-row state as plain variables inside `//@rows{ ... //@}`
// blocks and this repeats each block once per row, with `@R` replaced by the row number. Only for a few rows:
// more live variables than the target has registers spill, which cost more than the array did (matmul_wide.wgsl
// with 16 rows unrolled ran 1.7x slower). Kernels whose headers say so are WGSL only after this expansion.

const ROW_BLOCK = /^[ \t]*\/\/@rows\{[^\n]*\n([\s\S]*?)^[ \t]*\/\/@\}[^\n]*\n/gm;

/**
 * Repeats each `//@rows{ ... //@}` block of `code` once per row 0 .. rows-1 with `@R` replaced by the row number,
 * and declares `const <name> = rows` first. Throws on a block left open or an `@R` outside any block.
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

const cache = new Map<string, Map<string, string>>();

/** unrollRows, remembered per (source, rows, name): kernels expand once, not per dispatch. */
export function unrolled(code: string, rows: number, name: string): string {
  const key = `${name}=${rows}`;
  let bySource = cache.get(code);
  if (!bySource) cache.set(code, (bySource = new Map()));
  let out = bySource.get(key);
  if (out === undefined) bySource.set(key, (out = unrollRows(code, rows, name)));
  return out;
}
