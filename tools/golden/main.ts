// The golden page: lists the golden folder, runs the GPU cases, and reports lines to the Node runner.
import { toErrorData } from '../../src/lib/errors.ts';
import { runGpuCases } from './cases.ts';

async function main(): Promise<void> {
  const files = (await (await fetch('/__files/golden/')).json()) as string[];
  let failed = 0;
  let checked = 0;
  const ran = await runGpuCases(
    files,
    (file, tensor, maxErr, tol) => {
      const ok = maxErr <= tol;
      checked++;
      if (!ok) failed++;
      console.log(`golden ${file}: ${tensor} max_err=${maxErr.toExponential(3)} tol=${tol} ${ok ? 'ok' : 'FAIL'}`);
    },
    (file, why) => console.log(`golden ${file}: skip (${why})`),
  );
  console.log(`__DONE__ ${JSON.stringify({ ran, checked, failed })}`);
}

main().catch((err) => console.log(`__FAIL__ ${toErrorData(err).message} ${(err as Error).stack ?? ''}`));
