import { memo } from 'react';
import { useStudio } from '../store/index.ts';
import { t, type GalleryItem } from '../store/ui.ts';
import { useObjectUrl } from './hooks.ts';

/** Every result, newest first, as thumbnails; choosing one makes it the current image. */
export function Gallery() {
  const items = useStudio((s) => s.gallery.items);
  const selectedId = useStudio((s) => s.gallery.selectedId);
  const status = useStudio((s) => s.gallery.status);
  const unsaved = useStudio((s) => s.gallery.unsaved);
  const select = useStudio((s) => s.gallery.select);
  const error = useStudio((s) => s.gallery.error);
  return (
    <section className="panel gallery" aria-labelledby="gallery-title">
      <div className="panel-title">
        <h2 id="gallery-title">{t('gallery.title')}</h2>
        <span className="muted small">{status === 'loading' ? t('gallery.loading') : t(items.length === 1 ? 'gallery.count.one' : 'gallery.count.other', { n: items.length })}</span>
      </div>
      {error && (
        <p className="message warn small gallery-error" role="status" data-error-code={error.code}>
          {error.message}
        </p>
      )}
      {items.length === 0 ? (
        <p className="muted small">{t('gallery.empty')}</p>
      ) : (
        <ul className="thumbs" aria-label={t('gallery.list')}>
          {items.map((item, i) => (
            <Thumb key={item.id} item={item} index={items.length - i} selected={item.id === selectedId} unsaved={!!unsaved[item.id]} onSelect={select} />
          ))}
        </ul>
      )}
    </section>
  );
}

const Thumb = memo(function Thumb({ item, index, selected, unsaved, onSelect }: { item: GalleryItem; index: number; selected: boolean; unsaved: boolean; onSelect: (id: string) => void }) {
  const url = useObjectUrl(item.thumb);
  // No "seed" or "prompt" in the name: labels elsewhere (the Seed and Prompt fields) must stay unambiguous.
  const label = t(item.sourceId ? 'gallery.itemEdit' : 'gallery.item', { n: index, prompt: item.meta.prompt || t('gallery.untitled') });
  return (
    <li>
      <button type="button" className="thumb" aria-pressed={selected} aria-label={label} title={`${item.meta.prompt}\n${item.meta.width}×${item.meta.height}, ${item.meta.seed}`} onClick={() => onSelect(item.id)}>
        {url && <img src={url} alt="" loading="lazy" />}
        {item.sourceId && <span className="badge accent corner">{t('gallery.editBadge')}</span>}
        {unsaved && <span className="badge warn corner right">{t('result.unsaved')}</span>}
      </button>
    </li>
  );
});
