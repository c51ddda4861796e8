// Builds a kernel's uniform block. Fields are 4-byte scalars written in WGSL struct order; the block is padded
// to 16 bytes. Each kernel's TS file lists the same fields, in the same order, as its WGSL `Params` struct.
export class Params {
  private buf: ArrayBuffer;
  private view: DataView;
  private offset = 0; // bytes

  constructor(maxBytes = 256) {
    this.buf = new ArrayBuffer(maxBytes);
    this.view = new DataView(this.buf);
  }

  u32(v: number): this {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`u32 param out of range: ${v}`);
    this.view.setUint32(this.offset, v, true);
    this.offset += 4;
    return this;
  }

  i32(v: number): this {
    this.view.setInt32(this.offset, v, true);
    this.offset += 4;
    return this;
  }

  f32(v: number): this {
    this.view.setFloat32(this.offset, v, true);
    this.offset += 4;
    return this;
  }

  build(): ArrayBuffer {
    return this.buf.slice(0, Math.max(16, Math.ceil(this.offset / 16) * 16));
  }
}

export function params(): Params {
  return new Params();
}
