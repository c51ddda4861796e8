// Runs one case in the page: checks each implementation's output once (in-place ops see their fresh inputs),
// then times each. Times are wall clock from submit to queue.onSubmittedWorkDone(), the one fence that means
// the same thing for our batches and for ORT's runs on the same device. Where the device has timestamp-query, each
// sample of ours and naive is also one timed batch, whose GPU time is the extra 'gpu ms' column (ORT's runs
// cannot be timed this way, so ratios stay wall clock).
import type { Gpu } from '../src/engine/gpu.ts';
import type { GpuTime } from '../src/engine/timestamps.ts';
import { compareArrays } from '../src/lib/compare.ts';
import type { BenchCase, BenchContext, CaseSetup, Recorder } from './cases/types.ts';
import { OrtRunner } from './ort.ts';
import { type CaseResult, type CheckResult, type ImplName, type ImplResult, ratio } from './report.ts';

export interface TimingConfig {
  samples: number;
  /** Grow the executions per sample until one sample takes this long (amortizes submit and fence costs). */
  minSampleMs: number;
  maxIterations: number;
}

export const TIMING = {
  quick: { samples: 3, minSampleMs: 10, maxIterations: 4 },
  normal: { samples: 7, minSampleMs: 100, maxIterations: 64 },
} satisfies Record<string, TimingConfig>;

export const TIMING_NOTES: Record<ImplName, string> = {
  ours: 'N executions recorded into one command buffer, submit, await onSubmittedWorkDone; per-execution = total / N',
  naive: 'as ours',
  ort: 'N sequential session.run() with GPU-resident inputs and a preallocated GPU output (no upload/readback), then await onSubmittedWorkDone; per-execution = total / N',
};

export const GPU_TIMING_NOTE =
  'ours, naive: each sample is one timed batch; GPU time of its compute passes from timestamp queries / N (no submit, fence or CPU recording cost)';

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];

/** One timed sample of `iterations` executions: wall ms per execution, and GPU ms per execution where measured. */
type Sample = (iterations: number) => Promise<{ ms: number; gpu: GpuTime | null }>;
type Measured = Omit<ImplResult, 'check'> & { gpuNote: string | null };

/** `timed`: the samples should carry GPU times (ours and naive on a device with timestamp-query). */
async function measure(sample: Sample, cfg: TimingConfig, timed: boolean, warmedUp: boolean): Promise<Measured> {
  if (!warmedUp) await sample(1); // warm-up: pipelines compiled, buffers allocated
  let iterations = 1;
  let s = await sample(iterations);
  while (s.ms * iterations < cfg.minSampleMs && iterations < cfg.maxIterations) {
    iterations = Math.min(cfg.maxIterations, iterations * Math.max(2, Math.ceil(cfg.minSampleMs / Math.max(s.ms * iterations, 0.01) / 2)));
    s = await sample(iterations);
  }
  const got = [s];
  while (got.length < cfg.samples) got.push(await sample(iterations));
  const times = got.map((g) => g.ms);
  const gpu = got.map((g) => g.gpu).filter((g) => g !== null);
  // A pass that read end <= begin (below a timer tick, or a backwards clock) counts as 0, and a pass not written
  // gives no time: rather than report an understated time, report none, and say why.
  const odd = gpu.filter((g) => g.flat || g.backwards).length;
  const unwritten = got.length - gpu.length;
  const gpuMs = timed && !unwritten && !odd ? median(gpu.map((g) => g.ms)) / iterations : null;
  let gpuNote: string | null = null;
  if (timed && unwritten) gpuNote = `no GPU time: ${unwritten} of ${got.length} samples came back with unwritten timestamps`;
  else if (timed && odd) gpuNote = `no GPU time: ${odd} of ${got.length} samples had a pass whose end stamp was not after its begin`;
  return { medianMs: median(times), minMs: Math.min(...times), iterations, samples: times.length, gpuMedianMs: gpuMs, gpuNote };
}

function gpuSample(gpu: Gpu, record: Recorder): Sample {
  return async (iterations) => {
    const t0 = performance.now();
    const b = gpu.batch('bench', { timed: true }); // untimed (and gpuTime() null) without timestamp-query
    for (let i = 0; i < iterations; i++) record(b).release();
    b.submit();
    await gpu.sync();
    const ms = (performance.now() - t0) / iterations;
    return { ms, gpu: await b.gpuTime() };
  };
}

function ortSample(runner: OrtRunner): Sample {
  return async (iterations) => {
    const t0 = performance.now();
    for (let i = 0; i < iterations; i++) await runner.run();
    await runner.sync();
    return { ms: (performance.now() - t0) / iterations, gpu: null };
  };
}

function check(got: Float32Array, want: Float32Array | null, against: CheckResult['against'], s: CaseSetup): CheckResult {
  if (!want) return { ok: true, against: 'none', maxAbsErr: 0, mismatches: 0 };
  const r = compareArrays(got.subarray(0, want.length), want, s.atol, s.rtol);
  const ok = r.ok && got.length >= want.length;
  let maxAbsRef = 0;
  for (const v of want) maxAbsRef = Math.max(maxAbsRef, Math.abs(v));
  return { ok, against, maxAbsErr: r.maxAbsErr, maxAbsRef, mismatches: r.count };
}

async function readOnce(gpu: Gpu, record: Recorder): Promise<Float32Array> {
  const b = gpu.batch('bench-check');
  const out = record(b);
  b.submit();
  const data = await gpu.read(out);
  out.release();
  return data;
}

export async function runCase(c: BenchCase, ctx: BenchContext, cfg: TimingConfig, log: (s: string) => void): Promise<CaseResult> {
  const result: CaseResult = {
    op: c.op,
    shape: c.shape,
    ortOp: null,
    flops: null,
    ours: null,
    naive: null,
    ort: null,
    medianMs: { ours: null, naive: null, ort: null },
    gpuMedianMs: { ours: null, naive: null },
    iterations: { ours: null, naive: null, ort: null },
    ratios: { oursOverNaive: null, oursOverOrt: null },
    notes: [],
    error: null,
  };
  let setup: CaseSetup | null = null;
  let runner: OrtRunner | null = null;
  let stage = 'setup';
  try {
    setup = await c.setup(ctx);
    result.flops = setup.flops ?? null;
    result.notes.push(...(setup.notes ?? []));
    result.ortOp = setup.ort?.what ?? null;

    // Check, before any timing mutates in-place state. The truth is the CPU reference, else ORT's output.
    stage = 'check';
    const outputs: Partial<Record<ImplName, Float32Array>> = {};
    if (setup.ours) outputs.ours = await readOnce(ctx.gpu, setup.ours);
    if (setup.naive) outputs.naive = await readOnce(ctx.gpu, setup.naive);
    if (setup.ort) {
      stage = 'ort session';
      runner = await OrtRunner.create(ctx.ortDevice, setup.ort);
      stage = 'ort check';
      await runner.run();
      outputs.ort = await runner.read();
    }
    const cpu = setup.expected ? setup.expected() : null;
    const truth = cpu ?? outputs.ort ?? null;
    const against: CheckResult['against'] = cpu ? 'cpu' : outputs.ort ? 'ort' : 'none';
    if (!truth) result.notes.push('unchecked: no CPU reference or ORT output at this size');

    const impls: [ImplName, Sample | null][] = [
      ['ours', setup.ours ? gpuSample(ctx.gpu, setup.ours) : null],
      ['naive', setup.naive ? gpuSample(ctx.gpu, setup.naive) : null],
      ['ort', runner ? ortSample(runner) : null],
    ];
    for (const [name, sample] of impls) {
      if (!sample) continue;
      stage = `timing ${name}`;
      const vsItself = name === 'ort' && against === 'ort';
      const chk = check(outputs[name]!, vsItself ? null : truth, against, setup);
      // A case with few samples (seconds per execution) counts the check's execution as its warm-up.
      const caseCfg = setup.samples ? { ...cfg, samples: Math.min(cfg.samples, setup.samples) } : cfg;
      const { gpuNote, ...timed } = await measure(sample, caseCfg, name !== 'ort' && ctx.gpu.features.timestampQuery, !!setup.samples);
      result[name] = { ...timed, check: chk };
      result.medianMs[name] = timed.medianMs;
      result.iterations[name] = timed.iterations;
      if (name !== 'ort') result.gpuMedianMs[name] = timed.gpuMedianMs;
      if (gpuNote) result.notes.push(`${name}: ${gpuNote}`);
      const gpuMs = timed.gpuMedianMs === null ? '' : `, GPU ${timed.gpuMedianMs.toFixed(3)} ms`;
      const err = chk.against === 'none' ? '' : ` (max abs err ${chk.maxAbsErr.toExponential(2)}, max |ref| ${(chk.maxAbsRef ?? 0).toFixed(2)})`;
      log(`  ${name}: ${timed.medianMs.toFixed(3)} ms${gpuMs} (x${timed.iterations}, ${timed.samples} samples), check ${chk.ok ? 'ok' : 'FAILED'} vs ${chk.against}${err}`);
    }
    result.ratios.oursOverNaive = ratio(result.medianMs.ours, result.medianMs.naive);
    result.ratios.oursOverOrt = ratio(result.medianMs.ours, result.medianMs.ort);
  } catch (err) {
    result.error = `${stage}: ${(err as Error).message ?? String(err)}`;
    log(`  ERROR ${result.error}`);
  } finally {
    await runner?.dispose().catch(() => undefined);
    setup?.dispose();
    await ctx.gpu.sync().catch(() => undefined);
  }
  return result;
}
