// A disk-backed Blob for Node, as a browser File is: size, slice() and reads of just the sliced range. Node 20's
// fs.openAsBlob reports files over 4 GiB with a 32-bit size (a 9.97 GB shard comes back as 1.38 GB and slices past
// that read empty), so the stand-ins of the multi-GB shards are read through this instead. Only what BlobSource
// (weights/source.ts) and the worker use is implemented: size, slice, arrayBuffer, text.
import { open, stat } from 'node:fs/promises';

export class DiskBlob {
  private constructor(
    private readonly path: string,
    private readonly start: number, // bytes
    private readonly end: number, // bytes, exclusive
  ) {}

  static async open(path: string): Promise<Blob> {
    const { size } = await stat(path);
    return new DiskBlob(path, 0, size) as unknown as Blob;
  }

  get size(): number {
    return this.end - this.start;
  }

  get type(): string {
    return '';
  }

  slice(begin = 0, finish = this.size): DiskBlob {
    const clamp = (v: number) => Math.min(this.size, Math.max(0, v < 0 ? this.size + v : v));
    const a = clamp(begin);
    return new DiskBlob(this.path, this.start + a, this.start + Math.max(a, clamp(finish)));
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const out = new Uint8Array(this.size);
    const fh = await open(this.path, 'r');
    try {
      let done = 0;
      while (done < out.length) {
        const { bytesRead } = await fh.read(out, done, out.length - done, this.start + done);
        if (bytesRead === 0) throw new Error(`${this.path}: short read at ${this.start + done}`);
        done += bytesRead;
      }
    } finally {
      await fh.close();
    }
    return out.buffer;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.arrayBuffer());
  }
}
