// How often to decode a live preview: as often as the GPU affords. A preview is decoded after a step only while the
// time spent on previews stays within PREVIEW_SHARE of the time spent denoising, so previews never slow a
// generation by more than about that share. On a real GPU TAEF1 costs a few percent of a DiT step and every step is
// previewed; on a CPU adapter (SwiftShader) a decode can cost several steps, and previews thin out instead of
// multiplying the generation's time. The first step is always previewed (its interval includes the text encoding).
export const PREVIEW_SHARE = 0.25;

export class PreviewBudget {
  private stepMs = 0; // time between previews, spent denoising
  private previewMs = 0;
  private mark: number;

  constructor(
    now: number,
    private readonly share = PREVIEW_SHARE,
  ) {
    this.mark = now;
  }

  /** Called when a step ends at `now`: whether to decode its preview. */
  shouldPreview(now: number): boolean {
    this.stepMs += now - this.mark;
    this.mark = now;
    return this.previewMs <= this.share * this.stepMs;
  }

  /** A preview decode that ended at `now` took `ms`. */
  spent(ms: number, now: number): void {
    this.previewMs += ms;
    this.mark = now;
  }
}
