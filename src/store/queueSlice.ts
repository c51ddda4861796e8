// The queue: generations and edits line up, each with its own settings, and run one at a time through the job
// runner of the slice that owns them (generate or editor): one pump, one job on the GPU at a time. Pending items are
// kept in IndexedDB (an edit with its source image and mask), so a reload keeps them; restored items wait, paused,
// until the person resumes. An item is removed when it finishes, is cancelled or fails; a failure pauses what is left.
import type { ControlUse } from '../worker/protocol.ts';
import type { LoraUse, RgbaImage } from '../worker/protocol.ts';
import type { JobOutcome } from './jobRunner.ts';
import type { SliceContext } from './studio.ts';

/** The settings one image is made with, fixed when it is queued. */
export interface QueuedSettings {
  prompt: string;
  negativePrompt: string;
  seed: number;
  width: number; // px
  height: number; // px
  steps: number;
  /** The steps were the default, not a choice: the loaded model's own default applies. */
  defaultSteps?: true;
  guidanceScale: number;
  loras: LoraUse[];
  /** ControlNet hints as built when queued (the control image at the request size); absent: none. */
  control?: ControlUse;
}

export interface QueuedEdit {
  instruction: string;
  strength: number;
  image: RgbaImage;
  /** The painted mask, one byte per pixel, 255 = repaint (absent: edit the whole image). */
  mask?: { width: number; height: number; data: ArrayBuffer };
  /** Grow (>0) or shrink (<0) the mask, px; feather its edge, px. */
  grow: number;
  feather: number;
  /** Edit only a padded region around the mask, at the model's resolution, and paste it back. */
  onlyMasked: boolean;
  padding: number; // px
  sourceName: string;
  sourceGalleryId?: string;
}

interface QueueItemBase {
  /** Schema version of a stored item. */
  v: 1;
  id: string;
  /** Sort key: lower runs first. */
  order: number;
  createdAt: number; // ms since the epoch
  /** Items queued by one press of Generate share a batch id; position in it for "image i of n". */
  batchId: string;
  batchIndex: number;
  batchCount: number;
  settings: QueuedSettings;
}

export type QueueItem = (QueueItemBase & { kind: 'generate' }) | (QueueItemBase & { kind: 'edit'; edit: QueuedEdit });

export interface QueueStorage {
  list(): Promise<QueueItem[]>;
  put(item: QueueItem): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface QueueSlice {
  /** Pending items in run order; the running one (runningId) is first. */
  items: QueueItem[];
  runningId: string | null;
  /** Set after a reload with items left, after a failure, or by the person; nothing new starts while paused. */
  paused: boolean;
  /** Restores the items kept from an earlier visit (paused). */
  load: () => Promise<void>;
  /** Adds items (ids, order and version are filled in) and starts the queue; resolves when the queue is idle. */
  enqueue: (items: NewQueueItem[]) => Promise<void>;
  /** Cancels one item: the running one is stopped, a waiting one removed. */
  cancelItem: (id: string) => Promise<void>;
  /** Cancels the running item and every waiting item of its batch. */
  cancelBatchOf: (kind: QueueItem['kind']) => Promise<void>;
  /** Moves a waiting item one place earlier (-1) or later (+1); the running item stays first. */
  move: (id: string, dir: -1 | 1) => void;
  /** Removes every waiting item. */
  clear: () => Promise<void>;
  pause: () => void;
  resume: () => Promise<void>;
}

type Distribute<T> = T extends unknown ? Omit<T, 'v' | 'id' | 'order' | 'createdAt'> : never;
export type NewQueueItem = Distribute<QueueItem>;

/** What runs a queued item: the generate and editor slices, each through its own job runner. */
export type QueueRunner = (item: QueueItem) => Promise<JobOutcome>;

export function createQueueSlice(ctx: SliceContext): QueueSlice {
  const { patch, get, deps } = ctx;
  const q = () => get().queue;
  let counter = 0;
  let pumping: Promise<void> | null = null;
  const nextOrder = () => q().items.reduce((m, i) => Math.max(m, i.order), 0) + 1;
  const persist = (item: QueueItem) => deps.queue.put(item).catch(() => undefined); // a failed write only loses the reload copy
  const drop = async (id: string) => {
    patch('queue', (s) => ({ items: s.items.filter((i) => i.id !== id) }));
    await deps.queue.remove(id).catch(() => undefined);
  };
  const runnerFor = (item: QueueItem) => (item.kind === 'generate' ? get().generate.runQueued : get().editor.runQueued);

  const pump = (): Promise<void> =>
    (pumping ??= (async () => {
      try {
        for (;;) {
          const { items, paused } = q();
          if (paused || items.length === 0) break;
          const item = items[0];
          patch('queue', { runningId: item.id });
          const outcome = await runnerFor(item)(item);
          patch('queue', { runningId: null });
          if (outcome === 'abandoned' || outcome === 'busy') {
            patch('queue', { paused: true }); // the worker was stopped: keep the item for a later resume
            break;
          }
          await drop(item.id);
          if (outcome === 'failed' && q().items.length > 0) patch('queue', { paused: true });
        }
      } finally {
        pumping = null;
      }
    })());

  return {
    items: [],
    runningId: null,
    paused: false,
    load: async () => {
      let stored: QueueItem[];
      try {
        stored = await deps.queue.list();
      } catch {
        return;
      }
      if (stored.length === 0) return;
      const known = new Set(q().items.map((i) => i.id));
      const merged = [...q().items, ...stored.filter((i) => !known.has(i.id))].sort((a, b) => a.order - b.order);
      patch('queue', { items: merged, paused: true });
    },
    enqueue: async (news) => {
      let order = nextOrder();
      const now = Date.now();
      const items = news.map((n) => ({ ...n, v: 1 as const, id: `q-${now.toString(36)}-${++counter}`, order: order++, createdAt: now }) as QueueItem);
      patch('queue', (s) => ({ items: [...s.items, ...items] }));
      await Promise.all(items.map(persist));
      await pump();
    },
    cancelItem: async (id) => {
      const item = q().items.find((i) => i.id === id);
      if (!item) return;
      if (q().runningId === id) {
        await (item.kind === 'generate' ? get().generate.cancelRunning() : get().editor.cancelEdit());
        return;
      }
      await drop(id);
    },
    cancelBatchOf: async (kind) => {
      const running = q().items.find((i) => i.id === q().runningId);
      if (!running || running.kind !== kind) return;
      const rest = q().items.filter((i) => i.batchId === running.batchId && i.id !== running.id);
      for (const r of rest) await drop(r.id);
      await q().cancelItem(running.id);
    },
    move: (id, dir) => {
      const items = [...q().items];
      const i = items.findIndex((x) => x.id === id);
      const j = i + dir;
      const first = q().runningId ? 1 : 0; // the running item keeps its place
      if (i < first || j < first || j >= items.length) return;
      const a = { ...items[i], order: items[j].order };
      const b = { ...items[j], order: items[i].order };
      items[i] = b;
      items[j] = a;
      patch('queue', { items });
      void persist(a);
      void persist(b);
    },
    clear: async () => {
      for (const i of q().items.filter((x) => x.id !== q().runningId)) await drop(i.id);
    },
    pause: () => patch('queue', { paused: true }),
    resume: async () => {
      patch('queue', { paused: false });
      await pump();
    },
  };
}
