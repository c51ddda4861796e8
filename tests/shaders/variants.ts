// Every composed shader the engine (and the bench's baselines) can ask for: each kernel × the variant choices its
// TS makes (matmul: body × weight format × weight set, and every epilogue on one body and format; attention bodies
// and rows per invocation; the row reductions × block_sum). Kept beside the kernels' own choices: a kernel that
// gains a variant adds it here, and its snapshot shows in review.
import { eulerStepNaiveShader } from '../../bench/naive/eulerStepNaive.ts';
import type { Shader } from '../../src/engine/compose.ts';
import { GGML_BLOCKS, type DType } from '../../src/engine/formats.ts';
import { activationShader } from '../../src/engine/kernels/activation.ts';
import { attentionShader } from '../../src/engine/kernels/attention.ts';
import { attentionNaiveShader } from '../../src/engine/kernels/attentionNaive.ts';
import type { Reduction } from '../../src/engine/kernels/blockSum.ts';
import { cannyShader } from '../../src/engine/kernels/canny.ts';
import { conv2dShader } from '../../src/engine/kernels/conv2d.ts';
import { conv2dNaiveShader } from '../../src/engine/kernels/conv2dNaive.ts';
import { elementwiseShader } from '../../src/engine/kernels/elementwise.ts';
import { eulerStepShader } from '../../src/engine/kernels/eulerStep.ts';
import { groupNormShader } from '../../src/engine/kernels/groupNorm.ts';
import { LAYER_NORM } from '../../src/engine/kernels/layerNorm.ts';
import { type EpilogueKind, type MatmulKernel, matmulNaiveShader, matmulShader } from '../../src/engine/kernels/matmulShader.ts';
import { patchifyShader } from '../../src/engine/kernels/patchify.ts';
import { RMS_NORM } from '../../src/engine/kernels/rmsNorm.ts';
import { ropeShader } from '../../src/engine/kernels/rope.ts';
import { rowNormShader } from '../../src/engine/kernels/rowNorm.ts';
import { upsampleNearest2xShader } from '../../src/engine/kernels/upsampleNearest2x.ts';

const BODIES: MatmulKernel[] = ['matvec', 'tiled', 'wide'];
/** One dtype per weight-format part: q8 composes as q4 does (QBITS is an override). */
const FORMATS: DType[] = ['f32', 'f16', 'q4', ...(Object.keys(GGML_BLOCKS) as DType[])];
const REDUCTIONS: Reduction[] = ['plain', 'subgroups'];

/** The epilogues matmul.ts builds: matmul (bias?, accumulate?), matmulSwiGLU (addends?), matmulGatedResidual. */
export function epilogues(): EpilogueKind[] {
  const out: EpilogueKind[] = [];
  for (const bias of [false, true]) for (const acc of [false, true]) out.push({ swiglu: false, bias, residual: acc ? 'in-place' : undefined });
  for (const addGate of [false, true]) for (const addUp of [false, true]) out.push({ swiglu: true, addGate, addUp });
  for (const bias of [false, true])
    for (const rowSel of [false, true])
      for (const inPlace of [false, true]) out.push({ swiglu: false, gate: true, bias, rowSel, residual: inPlace ? 'in-place' : 'tensor' });
  return out;
}

export function allShaders(): Shader[] {
  const out: Shader[] = [];
  const linear: EpilogueKind = { swiglu: false };
  const swiglu: EpilogueKind = { swiglu: true };
  for (const body of BODIES) for (const dtype of FORMATS) out.push(matmulShader(body, dtype, linear), matmulShader(body, dtype, swiglu));
  for (const e of epilogues()) out.push(matmulShader('wide', 'f32', e));
  for (const dtype of ['f32', 'f16', 'q4'] as DType[]) out.push(matmulNaiveShader(dtype));
  out.push(attentionShader('split'), attentionShader('rows', 1), attentionShader('rows', 2));
  for (const r of REDUCTIONS) out.push(rowNormShader(RMS_NORM, r), rowNormShader(LAYER_NORM, r), groupNormShader(r));
  out.push(activationShader, attentionNaiveShader, cannyShader, conv2dShader, conv2dNaiveShader, elementwiseShader);
  out.push(eulerStepShader, patchifyShader, ropeShader, upsampleNearest2xShader, eulerStepNaiveShader);
  // The same key asked for twice (e.g. an epilogue also in the body × format grid) is one shader.
  return [...new Map(out.map((s) => [s.key, s])).values()];
}

/** The snapshot file name of a key: `matmul[body=wide,w=f32]` -> `matmul.body-wide.w-f32.wgsl`. */
export function snapshotName(key: string): string {
  return `${key.replace(/\[|,/g, '.').replace(/=/g, '-').replace(/\]/g, '').replace(/\+/g, '_').replace(/[<>]/g, '')}.wgsl`;
}
