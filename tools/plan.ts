// npm run plan -- [--size N] [--json]: a dry run of the real 6.15B Z-Image-Turbo configuration (no allocation).
import { BUDGET, planSize, weightBytes } from '../src/models/zimage/plan.ts';

const args = process.argv.slice(2);
const sizeArg = args.indexOf('--size');
const asked = sizeArg >= 0 ? Number(args[sizeArg + 1]) : null;
if (asked !== null && (!Number.isInteger(asked) || asked % 16 !== 0 || asked < 256 || asked > 4096)) {
  console.error(`plan: --size must be a multiple of 16 from 256 to 4096, got ${args[sizeArg + 1]}`);
  process.exit(2);
}
const sizes = [...new Set([512, 768, 1024, ...(asked ? [asked] : [])])].sort((a, b) => a - b);
const weights = weightBytes();
const plans = sizes.map((s) => planSize(s));
const at1024 = plans.find((p) => p.size === 1024)!;
const problems: string[] = [];
if (at1024.peakBytes.fast > BUDGET.fast)
  problems.push(
    `fast mode at 1024² needs ${gb(at1024.peakBytes.fast)} > ${gb(BUDGET.fast)}: all three networks' weights alone take ${gb(weights.transformer.total + weights.textEncoder.total + weights.vae.total)}, ` +
      `of which the VAE takes ${gb(weights.vae.total)}`,
  );
if (at1024.peakBytes.lowMemory > BUDGET.lowMemory) problems.push(`low-memory mode at 1024² needs ${gb(at1024.peakBytes.lowMemory)} > ${gb(BUDGET.lowMemory)}`);

function gb(b: number): string {
  return `${(b / 1e9).toFixed(2)} GB`;
}

if (args.includes('--json')) {
  const json = {
    config: 'Z-Image-Turbo (6.15B DiT, Qwen3-4B text encoder, FLUX VAE), default import policy',
    weightsBytes: { transformer: weights.transformer, textEncoder: weights.textEncoder, vae: weights.vae, total: weights.transformer.total + weights.textEncoder.total + weights.vae.total },
    sizes: Object.fromEntries(plans.map((p) => [p.size, { tokens: p.tokens, peakBytes: p.peakBytes, flopsPerStep: p.flopsPerStep, breakdown: p.breakdown }])),
    budget: BUDGET,
    withinBudget: problems.length === 0,
    problems,
  };
  console.log(JSON.stringify(json, null, 2));
} else {
  console.log('Z-Image-Turbo memory plan (default policy: q4 matrices, q8 modulation, f16 VAE convolutions, f32 norms/embedders; token table on the CPU)');
  for (const [name, w] of Object.entries(weights))
    console.log(`  ${name.padEnd(12)} ${gb(w.total).padStart(9)} on the GPU  (${Object.entries(w.byFormat).map(([f, b]) => `${f} ${gb(b as number)}`).join(', ')})`);
  console.log('  size   tokens   fast peak   low-mem peak   TFLOP/step');
  for (const p of plans)
    console.log(`  ${String(p.size).padEnd(6)} ${String(p.tokens).padEnd(8)} ${gb(p.peakBytes.fast).padStart(9)}   ${gb(p.peakBytes.lowMemory).padStart(12)}   ${(p.flopsPerStep / 1e12).toFixed(1).padStart(10)}`);
  console.log(problems.length ? `Over budget: ${problems.join('; ')}` : `Within budget at 1024²: fast <= ${gb(BUDGET.fast)}, low-memory <= ${gb(BUDGET.lowMemory)}`);
}
