// A ByteSource over a file on disk (Node only: tools and tests). Reads exactly the asked range with positional reads,
// so a multi-GB model is never loaded whole.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import type { ByteSource } from '../src/weights/source.ts';
import { badFile, checkRange } from '../src/weights/source.ts';

export class NodeFileSource implements ByteSource {
  private constructor(
    private readonly fh: FileHandle,
    readonly size: number,
    readonly name: string,
  ) {}

  static async open(path: string): Promise<NodeFileSource> {
    const fh = await open(path, 'r');
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw badFile('not a regular file');
      return new NodeFileSource(fh, st.size, basename(path));
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this.size, offset, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const { bytesRead } = await this.fh.read(out, done, length - done, offset + done);
      if (bytesRead === 0) throw badFile(`short read at byte ${offset + done} (file changed while reading?)`);
      done += bytesRead;
    }
    return out;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
