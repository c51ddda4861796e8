// The golden page: lists the golden folder, runs the GPU cases, and reports lines to the Node runner.
import { toErrorData } from '../../src/lib/errors.ts';
import { runGpuCases } from './cases.ts';
import { GoldenTally } from './tally.ts';

async function main(): Promise<void> {
  const all = (await (await fetch('/__files/golden/')).json()) as string[];
  // ?only=prefix runs just the cases whose file names start with it (model and config files stay listed).
  const only = new URLSearchParams(location.search).get('only');
  const isCase = (f: string) =>
    (/^(forward_|gguf_|sample_|omni_|te_|lm_|lora_|quants|vae_[a-z0-9]+\.|taef1_)/.test(f) || /^controlnet_.*\.safetensors$/.test(f)) &&
    !f.includes('_names') &&
    !/^taef1_(encoder|decoder)\./.test(f);
  const files = only ? all.filter((f) => !isCase(f) || f.startsWith(only)) : all;
  const tally = new GoldenTally();
  const ran = await runGpuCases(files, tally.report);
  console.log(`__DONE__ ${JSON.stringify({ ran, checked: tally.checked, failed: tally.failed })}`);
}

main().catch((err) => console.log(`__FAIL__ ${toErrorData(err).message} ${(err as Error).stack ?? ''}`));
