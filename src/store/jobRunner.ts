// The job lifecycle shared by the generate and edit slices: refuse to start on a failed or lost device, load the
// model, run one or more engine jobs in order with progress, and handle cancel, errors (device errors go to the
// device slice) and abandoning a job whose worker was stopped. The slices build the requests and keep the results.
import type { ErrorData } from '../lib/errors.ts';
import type { GenerateRequest, GenerateResult, LoadedModel, PreviewFrame, Progress } from '../worker/protocol.ts';
import type { SliceContext } from './studio.ts';

export type JobStatus = 'idle' | 'loading-model' | 'running' | 'cancelling';

export interface JobState {
  jobId: string;
  /** 0-based image index in the batch, and the batch size. */
  index: number;
  count: number;
  progress: Progress | null;
  /** The latest live preview (kept between progress reports until the next one arrives). */
  preview?: PreviewFrame | null;
  startedAt: number; // ms, deps.now()
}

/** The state a slice with a job keeps. */
export interface JobFields {
  status: JobStatus;
  job: JobState | null;
  error: ErrorData | null;
  /** A short, non-error message: "Cancelled.", ... */
  notice: string | null;
}

export interface JobRunnerOptions {
  /** The slice whose JobFields the runner drives. */
  key: 'generate' | 'editor';
  /** Job ids are `${jobPrefix}-${n}-${now}`. */
  jobPrefix: string;
  /** Shown when a job is cancelled (in the interface language at that moment). */
  cancelledNotice: () => string;
  /** How an engine or device error is shown (the editor adds that the mask is kept). */
  describeError?: (e: ErrorData) => ErrorData;
}

export interface JobRun {
  /** Where this run stands in a queued batch (shown as "image i of n"); default: its own jobs. */
  batch?: { index: number; count: number };
  /** How many jobs to run; read once the model is loaded. */
  count: () => number;
  request: (index: number, model: LoadedModel) => GenerateRequest;
  /** Keeps a finished job's result (adds it to the gallery...). */
  onResult: (result: GenerateResult, index: number) => Promise<void>;
}

/** How a run ended: the queue removes a done, cancelled or failed item, and keeps an abandoned one. */
export type JobOutcome = 'done' | 'cancelled' | 'failed' | 'abandoned' | 'busy';

export interface JobRunner {
  /** Runs the jobs one after another; stops at the first failure or at a cancel. Resolves when all is settled. */
  run: (jobs: JobRun) => Promise<JobOutcome>;
  cancel: () => Promise<void>;
  /** Forgets a job whose worker was stopped (its promise will never settle): a stale run stops touching state. */
  abandon: () => void;
}

export function createJobRunner(ctx: SliceContext, opts: JobRunnerOptions): JobRunner {
  const { patch, get, deps, rt } = ctx;
  const { key } = opts;
  const cancelledNotice = () => opts.cancelledNotice();
  const describe = opts.describeError ?? ((e: ErrorData) => e);
  const state = (): JobFields => get()[key];
  const set = (part: Partial<JobFields> | ((s: JobFields) => Partial<JobFields>)) => patch(key, part as Partial<ReturnType<typeof state>>);
  let run = 0; // bumps per run() and on abandon
  let cancelRequested = false;
  let jobCounter = 0;

  return {
    run: async (jobs) => {
      if (state().status !== 'idle') return 'busy';
      const dev = get().device;
      if ((dev.status === 'error' || dev.status === 'lost') && dev.error) {
        set({ error: describe(dev.error), notice: null });
        return 'failed';
      }
      const myRun = ++run;
      cancelRequested = false;
      set({ status: 'loading-model', error: null, notice: null, job: null });
      const model = await get().models.ensureLoaded();
      if (myRun !== run) return 'abandoned';
      if (!model || cancelRequested) {
        set({ status: 'idle', error: cancelRequested ? null : get().models.loadError, notice: cancelRequested ? cancelledNotice() : null });
        return cancelRequested ? 'cancelled' : 'failed';
      }
      const count = jobs.count();
      let outcome: JobOutcome = 'done';
      let i = 0;
      for (; i < count && !cancelRequested; i++) {
        const req = jobs.request(i, model);
        const jobId = `${opts.jobPrefix}-${++jobCounter}-${deps.now()}`;
        const pos = jobs.batch ?? { index: i, count };
        set({ status: 'running', job: { jobId, index: pos.index, count: pos.count, progress: null, startedAt: deps.now() } });
        const r = await rt.handle().engine.generate(jobId, req, (progress) => {
          if (myRun === run && state().job?.jobId === jobId) set((s) => ({ job: s.job && { ...s.job, progress, preview: progress.preview ?? s.job.preview ?? null } }));
        });
        if (myRun !== run) return 'abandoned';
        if (!r.ok) {
          if (r.error.code === 'cancelled') {
            set({ notice: cancelledNotice() });
            outcome = 'cancelled';
          } else {
            set({ error: describe(r.error) });
            get().device.report(r.error);
            outcome = 'failed';
          }
          break;
        }
        await jobs.onResult(r.value, i);
        if (myRun !== run) return 'abandoned';
      }
      // Cancelled between jobs of a batch: the rest never started.
      if (cancelRequested && i < count && !state().notice) set({ notice: cancelledNotice() });
      if (cancelRequested) outcome = 'cancelled';
      set({ status: 'idle', job: null });
      void get().device.refresh();
      return outcome;
    },
    cancel: async () => {
      const { status, job } = state();
      if (status === 'idle') return;
      cancelRequested = true;
      set({ status: 'cancelling' });
      if (job) await rt.handle().engine.cancel(job.jobId);
    },
    abandon: () => {
      run++;
      set({ status: 'idle', job: null });
    },
  };
}
