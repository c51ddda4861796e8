// Browser file plumbing for the views: downloads, and the files or images in a drop or paste.

export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from a prompt and seed: zimage-42-a-red-fox.png */
export function pngName(prompt: string, seed: number): string {
  const slug = prompt.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48);
  return `zimage-${seed}${slug ? `-${slug}` : ''}.png`;
}

export function filesOf(dt: DataTransfer | null): File[] {
  if (!dt) return [];
  const out: File[] = [];
  for (const f of Array.from(dt.files)) out.push(f);
  if (out.length === 0)
    for (const item of Array.from(dt.items ?? [])) {
      const f = item.kind === 'file' ? item.getAsFile() : null;
      if (f) out.push(f);
    }
  return out;
}

export const isImageFile = (f: File) => f.type.startsWith('image/') || /\.(png|jpe?g|webp|gif|bmp|avif)$/i.test(f.name);
export const isModelFile = (f: File) => /\.(gguf|safetensors|json|txt|model)$/i.test(f.name);

/** True when the event target takes typing, so single-key shortcuts must leave it alone. */
export function isTextTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  if (t.isContentEditable || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT') return true;
  if (t.tagName !== 'INPUT') return false;
  const type = (t as HTMLInputElement).type;
  return !['checkbox', 'radio', 'range', 'button', 'submit', 'file', 'color'].includes(type);
}
