// `npm run bench [-- options]`: times our WGSL kernels against a naive WGSL version and onnxruntime-web's WebGPU
// EP, all in ONE Chromium page on one device (bench/index.html), and prints a table; `--json FILE` also writes
// the results. Exits non-zero when there is no adapter, the page fails, a case errors or an output is wrong.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type BenchResult, failures, formatTable } from '../bench/report.ts';
import { runPage } from './pageRunner.ts';

const USAGE = `usage: npm run bench -- [--json FILE] [--quick] [--full] [--filter OP[,OP]] [--ort-device auto|shared|separate] [--timeout SECONDS] [--headed]
  --json FILE     also write the results as JSON
  --quick         few iterations and samples (CI smoke test)
  --full          Z-Image's real shapes (for a real GPU; far too slow on a CPU adapter)
  --filter OP     only cases whose op contains OP (repeatable or comma-separated): euler_step, matmul_f32,
                  matmul_q4, matmul, attention, conv2d_3x3, rms_norm, layer_norm, dit_block,
                  qwen3_layer
  --ort-device M  auto (default): ORT shares our device unless the adapter's subgroups are too small for
                  its kernels (SwiftShader: 4 lanes), then it gets a second device without subgroups;
                  shared | separate force one or the other
  --timeout S     give up after S seconds (default 1800)
  --headed        show the browser window`;

interface Options {
  json: string | null;
  quick: boolean;
  full: boolean;
  filter: string[];
  timeoutS: number;
  headed: boolean;
  ortDevice: 'auto' | 'shared' | 'separate';
}

function parseArgs(argv: string[]): Options {
  const o: Options = { json: null, quick: false, full: false, filter: [], timeoutS: 1800, headed: false, ortDevice: 'auto' };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value\n${USAGE}`);
      return v;
    };
    if (a === '--json') o.json = value();
    else if (a === '--quick') o.quick = true;
    else if (a === '--full') o.full = true;
    else if (a === '--filter') o.filter.push(...value().split(',').filter(Boolean));
    else if (a === '--timeout') o.timeoutS = Number(value());
    else if (a === '--headed') o.headed = true;
    else if (a === '--ort-device') {
      const v = value();
      if (v !== 'auto' && v !== 'shared' && v !== 'separate') throw new Error(`--ort-device: auto, shared or separate, not ${v}`);
      o.ortDevice = v;
    }
    else if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown option ${a}\n${USAGE}`);
  }
  if (!(o.timeoutS > 0)) throw new Error(`--timeout needs a positive number of seconds\n${USAGE}`);
  return o;
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const query = { preset: opts.full ? 'full' : 'default', quick: opts.quick ? '1' : '0', filter: opts.filter.join(','), ortdevice: opts.ortDevice };
  let result: BenchResult;
  try {
    result = await runPage<BenchResult>({
      page: 'bench/index.html',
      query,
      timeoutMs: opts.timeoutS * 1000,
      headed: opts.headed,
      optimizeDeps: ['onnxruntime-web/webgpu'],
      onLine: (text, type) => {
        if (text.startsWith('[bench] ')) console.error(text.slice(8));
        else if ((type === 'error' || type === 'warning') && !text.startsWith('Failed to load resource')) console.error(`[page ${type}] ${text}`);
      },
    });
  } catch (err) {
    console.error(`bench failed in the page: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  }
  console.log(formatTable(result));
  if (opts.json) {
    const file = resolve(process.cwd(), opts.json);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
    console.error(`bench: wrote ${file}`);
  }
  const bad = failures(result);
  for (const f of bad) console.error(`FAIL ${f}`);
  return bad.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
