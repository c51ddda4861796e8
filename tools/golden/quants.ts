// Golden quants.gguf on the GPU: every ggml block type goes through the engine path (the stored bytes uploaded as
// blocks, the matmul kernels decoding them) and must equal ggml's own dequantization, quants_expected.safetensors.
// x = the K x K identity, so y = x · Wᵀ = Wᵀ holds every decoded weight exactly once (a dot product with one 1 and
// zeros elsewhere adds nothing to it); the wide (default for M = K) and tiled kernels both run, and the small-M
// kernel on the first 8 identity rows. One line per type: the largest error of the three.
import { ggmlBlockDType } from '../../src/engine/formats.ts';
import type { Gpu } from '../../src/engine/gpu.ts';
import { matmul, type MatmulKernel } from '../../src/engine/kernels/matmul.ts';
import { compareArrays } from '../../src/lib/compare.ts';
import type { ModelFile } from '../../src/weights/modelFile.ts';
import { REFERENCE_POLICY } from '../../src/weights/policy.ts';
import { readRange } from '../../src/weights/source.ts';

type Report = (file: string, tensor: string, maxErr: number, tol: number) => void;

/** Checks every quant.<type> of quants.gguf decoded by the GPU kernels against ggml's values. Returns 1 (files ran). */
export async function runQuantCases(gpu: Gpu, quants: ModelFile, expected: ModelFile, report: Report): Promise<number> {
  for (const name of [...quants.tensors.keys()].sort()) {
    const info = quants.tensors.get(name)!;
    const dtype = ggmlBlockDType(info.dtype);
    const want = await expected.loadTensor(name, REFERENCE_POLICY);
    if (!dtype || want.kind !== 'f32' || info.shape.length !== 2) {
      report('quants.gguf', name, Infinity, 1e-6); // an unsupported type fails, never skips
      continue;
    }
    const [N, K] = info.shape;
    const w = gpu.uploadBlocks(dtype, await readRange(info.source, info.offset, info.byteLength), [N, K], name); // (N, K)
    const eye = new Float32Array(K * K); // (K, K)
    for (let i = 0; i < K; i++) eye[i * K + i] = 1;
    const x = gpu.upload(eye, [K, K]);
    const x8 = gpu.upload(eye.subarray(0, 8 * K), [8, K]);
    let err = 0;
    for (const kernel of ['wide', 'tiled', 'matvec'] as MatmulKernel[]) {
      const rows = kernel === 'matvec' ? 8 : K;
      let y = x;
      gpu.run((b) => (y = matmul(b, kernel === 'matvec' ? x8 : x, w, { kernel })));
      const yt = await gpu.read(y); // (rows, N) = Wᵀ[0 .. rows]
      y.release();
      const got = new Float32Array(N * rows); // (N, rows)
      const ref = new Float32Array(N * rows);
      for (let n = 0; n < N; n++)
        for (let k = 0; k < rows; k++) {
          got[n * rows + k] = yt[k * N + n];
          ref[n * rows + k] = want.data[n * K + k];
        }
      err = Math.max(err, compareArrays(got, ref, 0).relToMax);
    }
    report('quants.gguf', name, err, 1e-6);
    for (const t of [w, x, x8]) t.release();
  }
  return 1;
}
