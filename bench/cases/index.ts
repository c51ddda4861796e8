// The registry: every case module, in table order. To add an op, write bench/cases/<op>.ts exporting a
// CaseFactory and list it here.
import { attentionCases } from './attention.ts';
import { blockCases } from './blocks.ts';
import { conv2dCases } from './conv2d.ts';
import { eulerStepCases } from './eulerStep.ts';
import { matmulCases } from './matmul.ts';
import { matmulGgmlCases } from './matmulGgml.ts';
import { normCases } from './norms.ts';
import type { BenchCase, CaseFactory, SizePreset } from './types.ts';

const FACTORIES: CaseFactory[] = [eulerStepCases, matmulCases, matmulGgmlCases, attentionCases, conv2dCases, normCases, blockCases];

/** All cases for a preset whose op contains one of `filters` (all when empty). */
export function selectCases(preset: SizePreset, filters: readonly string[] = []): BenchCase[] {
  const all = FACTORIES.flatMap((f) => f(preset));
  return filters.length ? all.filter((c) => filters.some((f) => c.op.includes(f))) : all;
}
