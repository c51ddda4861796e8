// Device acquisition: the adapter's own limits, optional features, typed errors, and device-loss reporting.
import { StudioError } from '../lib/errors.ts';
import { deviceLost, limitsTooSmall, webgpuUnavailable } from './errors.ts';

export interface AdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface DeviceFeatures {
  subgroups: boolean;
  timestampQuery: boolean;
  shaderF16: boolean;
}

export interface DeviceOptions {
  powerPreference?: GPUPowerPreference;
  /** Features not to enable even if present (tests use this to exercise the plain paths). */
  disable?: (keyof DeviceFeatures)[];
  /** Minimum limits the caller needs (bytes); below them acquisition fails with a 'limits' error. */
  minStorageBinding?: number;
  minBufferSize?: number;
}

export interface DeviceHandle {
  device: GPUDevice;
  adapter: AdapterSummary;
  features: DeviceFeatures;
  limits: {
    maxBufferSize: number;
    maxStorageBufferBindingSize: number;
    maxComputeWorkgroupStorageSize: number;
    maxComputeInvocationsPerWorkgroup: number;
    maxComputeWorkgroupsPerDimension: number;
    maxStorageBuffersPerShaderStage: number;
    minUniformBufferOffsetAlignment: number;
  };
  /** Resolves when the device is lost; `destroyed` is true when we destroyed it on purpose. */
  lost: Promise<{ destroyed: boolean; error: StudioError }>;
}

const LIMIT_NAMES = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

export async function acquireDevice(options: DeviceOptions = {}): Promise<DeviceHandle> {
  const gpu = (globalThis.navigator as Navigator | undefined)?.gpu;
  if (!gpu) throw webgpuUnavailable('navigator.gpu is missing');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference ?? 'high-performance' });
  } catch (err) {
    throw webgpuUnavailable(`requestAdapter failed: ${(err as Error).message}`);
  }
  if (!adapter) throw webgpuUnavailable('no GPU adapter was found');

  const al = adapter.limits;
  if (options.minStorageBinding && al.maxStorageBufferBindingSize < options.minStorageBinding)
    throw limitsTooSmall('maxStorageBufferBindingSize', al.maxStorageBufferBindingSize, options.minStorageBinding);
  if (options.minBufferSize && al.maxBufferSize < options.minBufferSize)
    throw limitsTooSmall('maxBufferSize', al.maxBufferSize, options.minBufferSize);

  const disabled = new Set(options.disable ?? []);
  const want: GPUFeatureName[] = [];
  const has = (f: string) => adapter!.features.has(f);
  if (has('subgroups') && !disabled.has('subgroups')) want.push('subgroups' as GPUFeatureName);
  if (has('timestamp-query') && !disabled.has('timestampQuery')) want.push('timestamp-query');
  if (has('shader-f16') && !disabled.has('shaderF16')) want.push('shader-f16');

  const requiredLimits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) requiredLimits[name] = al[name];

  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({ requiredFeatures: want, requiredLimits });
  } catch (err) {
    throw new StudioError('limits', `The GPU refused the requested limits or features: ${(err as Error).message}`);
  }
  const info = adapter.info;
  let destroyedOnPurpose = false;
  const origDestroy = device.destroy.bind(device);
  device.destroy = () => {
    destroyedOnPurpose = true;
    origDestroy();
  };
  const lost = device.lost.then((l) => ({
    destroyed: destroyedOnPurpose || l.reason === 'destroyed',
    error: deviceLost(l.message || String(l.reason)),
  }));
  const dl = device.limits;
  return {
    device,
    adapter: {
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      device: info?.device ?? '',
      description: info?.description ?? '',
      isFallbackAdapter: Boolean((info as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter),
    },
    features: {
      subgroups: device.features.has('subgroups'),
      timestampQuery: device.features.has('timestamp-query'),
      shaderF16: device.features.has('shader-f16'),
    },
    limits: {
      maxBufferSize: dl.maxBufferSize,
      maxStorageBufferBindingSize: dl.maxStorageBufferBindingSize,
      maxComputeWorkgroupStorageSize: dl.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: dl.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupsPerDimension: dl.maxComputeWorkgroupsPerDimension,
      maxStorageBuffersPerShaderStage: dl.maxStorageBuffersPerShaderStage,
      minUniformBufferOffsetAlignment: dl.minUniformBufferOffsetAlignment,
    },
    lost,
  };
}

export function describeAdapter(a: AdapterSummary): string {
  return [a.vendor || 'unknown vendor', a.architecture || 'unknown architecture', a.description].filter(Boolean).join(' / ');
}
