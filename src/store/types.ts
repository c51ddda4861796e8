// The engine protocol's types, re-exported for the UI: ui/ may not import worker/ or lib internals directly.
export type {
  DeviceInfo,
  EngineApi,
  EnhanceRequest,
  EnhanceResult,
  EnhanceUpdate,
  GenerateMode,
  GenerateRequest,
  GenerateResult,
  ImageMetadata,
  LoadedModel,
  LoraInfo,
  LoraUse,
  ControlUse,
  ModelCapabilities,
  PreviewFrame,
  Progress,
  ProgressPhase,
  Result,
  RgbaImage,
  TokenCount,
} from '../worker/protocol.ts';
export type { ErrorCode, ErrorData } from '../lib/errors.ts';
