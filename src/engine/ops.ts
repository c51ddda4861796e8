// The engine's op set, the one import models/ needs. Each op records into a Batch; see each kernel's file.
export { attention } from './kernels/attention.ts';
export { eulerStep } from './kernels/eulerStep.ts';
export {
  add,
  addRow,
  affine,
  concatRows,
  copyRows,
  fillRows,
  gatedResidual,
  maskedBlend,
  mul,
  scale,
  silu,
  siluMul,
  sliceRows,
  transpose2d,
} from './kernels/elementwise.ts';
export { layerNorm } from './kernels/layerNorm.ts';
export { patchify, unpatchify } from './kernels/patchify.ts';
export { rmsNorm } from './kernels/rmsNorm.ts';
export { ropeComplex, ropeHalf } from './kernels/rope.ts';
export { timestepEmbedding } from './kernels/timestepEmbedding.ts';
export { matmul, matmulGatedResidual, matmulSwiGLU } from './kernels/matmul.ts';
export { conv2d, upsampleConv2d } from './kernels/conv2d.ts';
export { groupNorm } from './kernels/groupNorm.ts';
export { upsampleNearest2x } from './kernels/upsampleNearest2x.ts';
export { addRelu, relu, tanhClamp } from './kernels/activation.ts';
export { canny } from './kernels/canny.ts';
