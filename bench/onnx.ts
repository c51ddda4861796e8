// A minimal ONNX writer: just enough protobuf (varints, length-delimited fields, fixed32 floats) to emit a
// ModelProto holding one small graph with initializers, so the bench can hand onnxruntime-web single-operator
// models without shipping files or pulling in a protobuf library.
//
// Field numbers are onnx.proto's (proto2): ModelProto{ir_version 1, producer_name 2, graph 7, opset_import 8},
// OperatorSetIdProto{domain 1, version 2}, GraphProto{node 1, name 2, initializer 5, input 11, output 12},
// NodeProto{input 1, output 2, name 3, op_type 4, attribute 5, domain 7}, AttributeProto{name 1, f 2, i 3, s 4,
// floats 7, ints 8, type 20}, TensorProto{dims 1, data_type 2, name 8, raw_data 9}, ValueInfoProto{name 1,
// type 2}, TypeProto{tensor_type 1}, TypeProto.Tensor{elem_type 1, shape 2}, TensorShapeProto{dim 1},
// Dimension{dim_value 1, dim_param 2}. Repeated scalars are written unpacked (proto2's default; parsers accept both).

const WIRE_VARINT = 0;
const WIRE_FIXED32 = 5;
const WIRE_BYTES = 2;

/** Protobuf wire writer into a growable byte buffer. */
export class PbWriter {
  private buf = new Uint8Array(256);
  private len = 0; // bytes

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A varint of a non-negative integer below 2^53, or a negative one as 10-byte two's complement (int64). */
  varint(v: number): this {
    if (!Number.isInteger(v)) throw new RangeError(`varint needs an integer, got ${v}`);
    if (v < 0) return this.varintBig(BigInt.asUintN(64, BigInt(v)));
    if (v > Number.MAX_SAFE_INTEGER) throw new RangeError(`varint too large: ${v}`);
    this.reserve(8);
    while (v >= 0x80) {
      this.buf[this.len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.len++] = v;
    return this;
  }

  private varintBig(v: bigint): this {
    this.reserve(10);
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
    return this;
  }

  private tag(field: number, wire: number): this {
    return this.varint(field * 8 + wire);
  }

  int(field: number, v: number): this {
    return this.tag(field, WIRE_VARINT).varint(v);
  }

  float(field: number, v: number): this {
    this.tag(field, WIRE_FIXED32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, v, true);
    this.len += 4;
    return this;
  }

  bytes(field: number, b: Uint8Array): this {
    this.tag(field, WIRE_BYTES).varint(b.byteLength);
    this.reserve(b.byteLength);
    this.buf.set(b, this.len);
    this.len += b.byteLength;
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  /** An embedded message, written by `fill` into its own writer first (its length prefixes it). */
  message(field: number, fill: (w: PbWriter) => void): this {
    const inner = new PbWriter();
    fill(inner);
    return this.bytes(field, inner.finish());
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

// ---- ONNX structures -------------------------------------------------------------------------------------

export type OnnxType = 'float32' | 'uint8' | 'int8' | 'int32' | 'int64' | 'float16';

/** TensorProto.DataType codes. */
export const ONNX_DTYPE: Record<OnnxType, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 };

export type TensorData = Float32Array | Uint8Array | Int8Array | Int32Array | BigInt64Array | Uint16Array;

export interface OnnxTensor {
  name: string;
  type: OnnxType;
  dims: readonly number[];
  data: TensorData;
}

export interface OnnxValueInfo {
  name: string;
  type: OnnxType;
  /** Numbers are fixed sizes; strings are symbolic dimensions. */
  dims: readonly (number | string)[];
}

export type OnnxAttr =
  | { kind: 'int'; value: number }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'ints'; value: readonly number[] }
  | { kind: 'floats'; value: readonly number[] };

export const attr = {
  int: (value: number): OnnxAttr => ({ kind: 'int', value }),
  float: (value: number): OnnxAttr => ({ kind: 'float', value }),
  string: (value: string): OnnxAttr => ({ kind: 'string', value }),
  ints: (value: readonly number[]): OnnxAttr => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): OnnxAttr => ({ kind: 'floats', value }),
};

/** AttributeProto.AttributeType codes. */
const ATTR_TYPE = { float: 1, int: 2, string: 3, floats: 6, ints: 7 } as const;

export interface OnnxNode {
  op: string;
  domain?: string; // '' = ai.onnx
  inputs: readonly string[];
  outputs: readonly string[];
  name?: string;
  attrs?: Record<string, OnnxAttr>;
}

export interface OnnxGraph {
  name: string;
  nodes: readonly OnnxNode[];
  inputs: readonly OnnxValueInfo[];
  outputs: readonly OnnxValueInfo[];
  initializers?: readonly OnnxTensor[];
}

export interface OnnxModel {
  graph: OnnxGraph;
  /** Operator sets; ai.onnx 17 and com.microsoft 1 when omitted. */
  opsets?: readonly { domain: string; version: number }[];
  irVersion?: number;
}

export const DEFAULT_OPSETS = [
  { domain: '', version: 17 },
  { domain: 'com.microsoft', version: 1 },
];

function tensorBytes(t: OnnxTensor): Uint8Array {
  const count = t.dims.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) throw new RangeError(`initializer ${t.name}: ${t.data.length} values for dims [${t.dims}]`);
  return new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
}

function writeTensor(w: PbWriter, t: OnnxTensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ONNX_DTYPE[t.type]);
  w.string(8, t.name);
  w.bytes(9, tensorBytes(t)); // raw_data: little-endian, as ONNX specifies
}

function writeValueInfo(w: PbWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tt) => {
      tt.int(1, ONNX_DTYPE[v.type]);
      tt.message(2, (shape) => {
        for (const d of v.dims) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

function writeAttr(w: PbWriter, name: string, a: OnnxAttr): void {
  w.string(1, name);
  switch (a.kind) {
    case 'int':
      w.int(3, a.value);
      break;
    case 'float':
      w.float(2, a.value);
      break;
    case 'string':
      w.string(4, a.value);
      break;
    case 'ints':
      for (const v of a.value) w.int(8, v);
      break;
    case 'floats':
      for (const v of a.value) w.float(7, v);
      break;
  }
  w.int(20, ATTR_TYPE[a.kind]);
}

function writeNode(w: PbWriter, n: OnnxNode, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name ?? `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [name, a] of Object.entries(n.attrs ?? {})) w.message(5, (aw) => writeAttr(aw, name, a));
  if (n.domain) w.string(7, n.domain);
}

/** Serializes a model to ModelProto bytes. */
export function encodeModel(m: OnnxModel): Uint8Array {
  const w = new PbWriter();
  w.int(1, m.irVersion ?? 8);
  w.string(2, 'z-image-studio-bench');
  w.message(7, (g) => {
    m.graph.nodes.forEach((n, i) => g.message(1, (nw) => writeNode(nw, n, i)));
    g.string(2, m.graph.name);
    for (const t of m.graph.initializers ?? []) g.message(5, (tw) => writeTensor(tw, t));
    for (const v of m.graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of m.graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  for (const o of m.opsets ?? DEFAULT_OPSETS)
    w.message(8, (ow) => {
      if (o.domain) ow.string(1, o.domain);
      ow.int(2, o.version);
    });
  return w.finish();
}

// ---- graph builder ---------------------------------------------------------------------------------------

export type NodeOpts = { domain?: string; attrs?: Record<string, OnnxAttr> };

/**
 * Builds one graph node by node: every value gets a fresh name from its prefix, initializers are added where a
 * weight is first needed, and `finish` wraps it all into a model. Whole-block bench models (bench/blockModels.ts)
 * are written with it.
 */
export class GraphBuilder {
  private readonly nodes: OnnxNode[] = [];
  private readonly inits: OnnxTensor[] = [];
  private readonly inputs: OnnxValueInfo[] = [];
  private readonly used = new Set<string>();

  constructor(readonly name: string) {}

  /** A name not used yet in this graph, from `prefix`. */
  fresh(prefix: string): string {
    let name = prefix;
    for (let i = 1; this.used.has(name); i++) name = `${prefix}_${i}`;
    this.used.add(name);
    return name;
  }

  input(name: string, type: OnnxType, dims: readonly (number | string)[]): string {
    const n = this.fresh(name);
    if (n !== name) throw new Error(`graph input ${name} declared twice`);
    this.inputs.push({ name, type, dims });
    return name;
  }

  /** An initializer (a weight or a constant): its name. */
  init(prefix: string, type: OnnxType, dims: readonly number[], data: TensorData): string {
    const name = this.fresh(prefix);
    this.inits.push({ name, type, dims, data });
    return name;
  }

  f32(prefix: string, data: Float32Array | readonly number[], dims: readonly number[] = [data.length]): string {
    return this.init(prefix, 'float32', dims, data instanceof Float32Array ? data : Float32Array.from(data));
  }

  i64(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.init(prefix, 'int64', dims, BigInt64Array.from(values, (v) => BigInt(v)));
  }

  i32(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.init(prefix, 'int32', dims, Int32Array.from(values));
  }

  /** A node with `outputs` outputs named from `op` (or `prefix`); '' in `inputs` skips an optional input. */
  node(op: string, inputs: readonly string[], outputs: number | readonly string[], opts: NodeOpts = {}): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(op.toLowerCase())) : outputs.map((o) => this.fresh(o));
    this.nodes.push({ op, domain: opts.domain, inputs, outputs: outs, name: this.fresh(`${op}_node`), attrs: opts.attrs });
    return outs;
  }

  /** A single-output node: its output's name. */
  op(op: string, inputs: readonly string[], opts: NodeOpts = {}): string {
    return this.node(op, inputs, 1, opts)[0];
  }

  /** The model, with `outputs` (already produced by some node) as the graph outputs. */
  finish(outputs: readonly OnnxValueInfo[]): OnnxModel {
    return { graph: { name: this.name, nodes: this.nodes, inputs: this.inputs, outputs, initializers: this.inits } };
  }
}
