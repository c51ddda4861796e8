// GPU time of command batches through `timestamp-query`. The Profiler keeps query sets in chunks of CHUNK_PASSES
// compute passes, each with a resolve buffer (QUERY_RESOLVE | COPY_SRC) and a mappable copy of it, reused across
// batches and destroyed with the engine. A timed batch holds one Stopwatch: each of its passes takes a
// (begin, end) pair of queries, submit records the resolve and the copy into the same command buffer, and read()
// maps the copies once the GPU is done and sums the pairs (timestamps.ts says how odd stamps are treated).
// Only devices with the feature get a Profiler (Gpu.stopwatch()); without it a timed batch reports null.
import { type GpuTime, gpuTimeFromStamps, passSpansMs } from './timestamps.ts';

const CHUNK_PASSES = 32; // passes per query set: 64 queries, 512 bytes of stamps; a batch with more takes more chunks
const STAMP_BYTES = 8; // one u64 per query

interface Chunk {
  querySet: GPUQuerySet;
  resolve: GPUBuffer; // QUERY_RESOLVE | COPY_SRC
  readback: GPUBuffer; // MAP_READ | COPY_DST
}

export class Profiler {
  private free: Chunk[] = [];
  private destroyed = false;
  /** Chunks created so far (tests check that they are reused). */
  created = 0;

  constructor(private readonly device: GPUDevice) {}

  stopwatch(): Stopwatch {
    if (this.destroyed) throw new Error('Profiler used after destroy()');
    return new Stopwatch(this);
  }

  /** @internal */
  take(): Chunk {
    const reused = this.free.pop();
    if (reused) return reused;
    this.created++;
    const bytes = 2 * CHUNK_PASSES * STAMP_BYTES;
    return {
      querySet: this.device.createQuerySet({ type: 'timestamp', count: 2 * CHUNK_PASSES, label: 'stopwatch' }),
      resolve: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC, label: 'stopwatch-resolve' }),
      readback: this.device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST, label: 'stopwatch-readback' }),
    };
  }

  /** @internal Takes back an unmapped chunk whose submission has completed. */
  give(c: Chunk): void {
    if (this.destroyed) destroyChunk(c);
    else this.free.push(c);
  }

  /** Destroys the idle chunks now, and chunks still being read as they come back. */
  destroy(): void {
    this.destroyed = true;
    for (const c of this.free) destroyChunk(c);
    this.free = [];
  }
}

function destroyChunk(c: Chunk): void {
  c.querySet.destroy();
  c.resolve.destroy();
  c.readback.destroy();
}

/** The queries of one batch: a pair per compute pass, resolved at submit and read once the GPU is done. */
export class Stopwatch {
  private chunks: Chunk[] = [];
  private passes = 0;
  private state: 'recording' | 'resolved' | 'read' = 'recording';

  constructor(private readonly profiler: Profiler) {}

  /** The timestampWrites of the next compute pass. */
  nextPass(): GPUComputePassTimestampWrites {
    if (this.state !== 'recording') throw new Error('Stopwatch: pass begun after resolve()');
    const i = this.passes % CHUNK_PASSES;
    if (i === 0) this.chunks.push(this.profiler.take());
    this.passes++;
    return { querySet: this.chunks[this.chunks.length - 1].querySet, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Records, after the last pass ended, the resolve of the used queries and their copy into mappable buffers. */
  resolve(encoder: GPUCommandEncoder): void {
    if (this.state !== 'recording') throw new Error('Stopwatch: resolved twice');
    this.state = 'resolved';
    this.chunks.forEach((c, k) => {
      const count = 2 * Math.min(CHUNK_PASSES, this.passes - k * CHUNK_PASSES); // queries
      encoder.resolveQuerySet(c.querySet, 0, count, c.resolve, 0);
      encoder.copyBufferToBuffer(c.resolve, 0, c.readback, 0, count * STAMP_BYTES);
    });
  }

  /** After the command buffer was submitted: the batch's GPU time (null if a pass went unwritten). */
  async read(): Promise<GpuTime | null> {
    return gpuTimeFromStamps(await this.stamps(), this.passes);
  }

  /** read(), and each pass's own span in ms (the `timing` debug flag gives each dispatch its own pass). */
  async readPasses(): Promise<{ time: GpuTime | null; passMs: number[] }> {
    const stamps = await this.stamps();
    return { time: gpuTimeFromStamps(stamps, this.passes), passMs: passSpansMs(stamps, this.passes) };
  }

  private async stamps(): Promise<BigUint64Array> {
    if (this.state !== 'resolved') throw new Error('Stopwatch: read() before resolve(), or twice');
    this.state = 'read';
    const stamps = new BigUint64Array(2 * this.passes);
    const maps = await Promise.allSettled(this.chunks.map((c) => c.readback.mapAsync(GPUMapMode.READ)));
    try {
      for (const m of maps) if (m.status === 'rejected') throw m.reason;
      this.chunks.forEach((c, k) => {
        const count = 2 * Math.min(CHUNK_PASSES, this.passes - k * CHUNK_PASSES);
        stamps.set(new BigUint64Array(c.readback.getMappedRange(0, count * STAMP_BYTES)), 2 * k * CHUNK_PASSES);
      });
    } finally {
      for (const c of this.chunks) {
        if (c.readback.mapState === 'mapped') c.readback.unmap();
        this.profiler.give(c);
      }
      this.chunks = [];
    }
    return stamps;
  }
}
