// weights/: everything between a model file and tensors the engine can upload. Pure TypeScript (browser worker and
// Node); no node: imports here (the Node file source is tools/nodeSource.ts).
//
//   source.ts       ByteSource (size + read(offset, length)), BlobSource, BytesSource, RawTensor, badFile()
//   safetensors.ts  header validation, sharded sets (*.safetensors.index.json)
//   gguf.ts         GGUF v2/v3 metadata, tensor infos, alignment; hostile-file bounds
//   dtypes.ts       safetensors and ggml element types, float/int decoding
//   ggmlDequant.ts  CPU dequantization of Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q2_K Q3_K Q4_K Q5_K Q6_K (bit-exact with ggml)
//   quant.ts        engine q4/q8 (engine/formats.ts) from float sources: round-to-nearest, dequantize()
//   names.ts        name maps (DiT diffusers/Comfy/GGUF, VAE diffusers/FLUX, Qwen3 HF/llama.cpp) and detection
//   detect.ts       config inference from shapes, expected tensor lists, missing/unexpected/mis-shaped report
//   policy.ts       tensor roles and the import policy (q4 matrices by default, precise tensors in f32)
//   modelFile.ts    openModelFile / openShardedModel -> ModelFile: .detect(), .tensors, .loadTensor(name, policy)
//
// Typical use (model layer, in the worker):
//   const file = await openModelFile(new BlobSource(blob));
//   const report = file.detect();            // report.ok, report.config.network === 'dit', report.config.config.dim
//   if (!report.ok) throw ...                // report.missing / unexpected / misshaped name the problem
//   const w = await file.loadTensor('layers.0.attention.to_q.weight');   // { kind: 'quant', q } or, GGUF, { kind: 'blocks' }
//   const b = await file.loadTensor('all_x_embedder.2-1.bias');          // { kind: 'f32', data }
// Every file problem is a StudioError with code 'bad-model-file' and a one-line message.
export type { ByteSource, RawTensor } from './source.ts';
export { BlobSource, BytesSource, badFile } from './source.ts';
export type { SafetensorsFile, ShardIndex } from './safetensors.ts';
export { parseSafetensors, parseShardIndex, openShardedSafetensors } from './safetensors.ts';
export type { GgufFile, GgufValue } from './gguf.ts';
export { parseGguf, describeGgufValue } from './gguf.ts';
export { dequantizeBlocks } from './ggmlDequant.ts';
export { dequantize, quantizeRtn } from './quant.ts';
export type { Network, Naming } from './names.ts';
export { detectNaming, mapName } from './names.ts';
export type { DetectReport, DitConfig, VaeConfig, Qwen3Config, NetworkConfig, Misshaped } from './detect.ts';
export type { ImportPolicy, TensorRole, WeightFormat } from './policy.ts';
export { DEFAULT_POLICY, REFERENCE_POLICY, KEEP_POLICY, tensorRole } from './policy.ts';
export type { FileFormat, HeaderInfo, LoadedTensor, LoadOptions, TensorInfo } from './modelFile.ts';
export { ModelFile, openModelFile, openShardedModel } from './modelFile.ts';
