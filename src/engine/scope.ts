// Tensor lifetimes by scope: `scope(fn)` (also `gpu.scope(fn)`) releases every tensor made while fn runs, except what
// fn returns and what it kept, so model code reads like its reference instead of hoisting `let x!: Tensor` and pairing
// each temporary with a release() call. The tensor-valued result of a scope (a Tensor, or Tensors inside a returned
// array or plain object) moves to the enclosing scope, or to the caller when there is none.
//
// Rules:
// - Synchronous only. A scope is a stretch of synchronous code, so no other JavaScript can run while it is open and
//   nothing made elsewhere can be caught in it. fn must not return a promise (that throws, after releasing what fn
//   made until then): async code, where awaits would let unrelated work run inside the scope, keeps explicit
//   ownership (release() in a finally), and may open scopes in the synchronous stretches between its awaits.
// - Tracked: every tensor that owns buffers (gpu.empty, uploads, op outputs, withShape moves). Views (reshape) own
//   nothing and are not tracked; a returned view of a tracked tensor throws (return its owner or use withShape).
// - keep(t): t is never released by any scope; its holder (a cache, a weight list, a `held` set) releases it.
// - Releasing a tracked tensor early (release()) is allowed: a scope's release is idempotent. Inside a DiT block that
//   is how a large temporary's buffer is handed to the next op before the block ends (the pool reuses it at once).
// - Tensors made while no scope is open are untracked: their maker owns them, as without scopes.
// Why not `using` declarations: they release at the end of a block whatever the block returns, so a function that
// returns one of several temporaries needs a `using` per temporary and a move for the result; a scope says both at
// once. (They would also need the esnext.disposable lib, which tsconfig.json does not enable.)

/** What a scope can track: a tensor (tensor.ts). Kept structural so this module needs no import of Tensor. */
export interface Scoped {
  release(): void;
  /** For views: the tensor whose buffers they read (null for owners). */
  readonly viewOf: Scoped | null;
}

const open: Set<Scoped>[] = []; // innermost last

/** @internal Called by the Tensor constructor for tensors that own buffers. */
export function track(t: Scoped): void {
  open[open.length - 1]?.add(t);
}

/** Takes t out of scope tracking: no scope will release it (a cache or weight list owns it). Returns t. */
export function keep<T extends Scoped>(t: T): T {
  for (let i = open.length - 1; i >= 0; i--) if (open[i].delete(t)) break;
  return t;
}

/** Whether a scope is open: for assertions in code that must run outside one. */
export function inScope(): boolean {
  return open.length > 0;
}

/**
 * Runs fn and releases every tensor it made (directly or in callees) that it neither returned nor kept; also when
 * fn throws. Nested scopes hand their results to the enclosing one. Synchronous only (see the header).
 */
export function scope<T>(fn: () => T): T {
  const mine = new Set<Scoped>();
  open.push(mine);
  let result: T;
  try {
    result = fn();
    if (isThenable(result)) throw new TypeError('scope(fn): fn returned a promise; scopes are synchronous (async code keeps explicit ownership)');
    const escaping = new Set<Scoped>();
    collect(result, mine, escaping, 0);
    for (const t of escaping) mine.delete(t);
    const parent = open[open.length - 2];
    if (parent) for (const t of escaping) parent.add(t);
  } finally {
    open.pop();
    for (const t of mine) t.release();
  }
  return result;
}

function isThenable(v: unknown): boolean {
  return typeof v === 'object' && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

const MAX_DEPTH = 4; // arrays of objects of tensors and the like; deeper results are a smell, not a use case

/** The tracked tensors reachable from a result through arrays and plain objects. */
function collect(v: unknown, mine: Set<Scoped>, out: Set<Scoped>, depth: number): void {
  if (typeof v !== 'object' || v === null || depth > MAX_DEPTH) return;
  if (mine.has(v as Scoped)) {
    out.add(v as Scoped);
    return;
  }
  const viewOf = (v as Partial<Scoped>).viewOf;
  if (viewOf && mine.has(viewOf)) throw new Error('scope(fn): fn returned a view (reshape) of a tensor the scope releases; return the owner or use withShape()');
  if (Array.isArray(v)) {
    for (const x of v) collect(x, mine, out, depth + 1);
    return;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return; // class instances (e.g. a Tensor view, a Map) are not walked
  for (const x of Object.values(v)) collect(x, mine, out, depth + 1);
}

/**
 * x -> stages[0] -> stages[1] -> ...: each intermediate result is released as soon as the next stage has made its
 * output (the peak holds two activations, as the explicit release after each op did); x itself is not released. For
 * sequential stacks (a ResnetBlock's norm, conv, norm, conv) where one scope at the end would hold them all.
 */
export function chain<T extends Scoped>(x: T, ...stages: ((t: T) => T)[]): T {
  let cur = x;
  for (const stage of stages) {
    const next = stage(cur);
    if (cur !== x && next !== cur) cur.release();
    cur = next;
  }
  return cur;
}
