// The golden runners' result lines and counts, shared by the Node side (tools/golden.ts: tokenizer and quant
// checks) and the browser page (tools/golden/main.ts: the GPU cases), so both print exactly the same line.

export class GoldenTally {
  checked = 0;
  failed = 0;

  /** One line per checked tensor: `golden <file>: <tensor> max_err=<x> tol=<t> ok|FAIL`. */
  readonly report = (file: string, tensor: string, maxErr: number, tol: number): void => {
    const ok = maxErr <= tol;
    this.checked++;
    if (!ok) this.failed++;
    console.log(`golden ${file}: ${tensor} max_err=${maxErr.toExponential(3)} tol=${tol} ${ok ? 'ok' : 'FAIL'}`);
  };
}
