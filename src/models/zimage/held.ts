// The tensors one generation owns: every tensor a pipeline creates for the job is held here and released when the
// job ends, however it ends (result, cancel, device loss, a bad request found midway).
import type { Tensor } from '../../engine/tensor.ts';

export class Held {
  private readonly tensors: Tensor[] = [];

  /** Holds t (null passes through) until release() or drop(t). */
  readonly hold = <T extends Tensor | null>(t: T): T => {
    if (t) this.tensors.push(t);
    return t;
  };

  /** Releases t now, before the job ends (a preview once it is shown). */
  drop(t: Tensor): void {
    const i = this.tensors.indexOf(t);
    if (i >= 0) this.tensors.splice(i, 1);
    t.release();
  }

  release(): void {
    for (const t of this.tensors) t.release();
    this.tensors.length = 0;
  }
}
