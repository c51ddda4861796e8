import { useCallback, useEffect, useRef, useState } from 'react';
import { studioStore, useStudio } from '../store/index.ts';
import { CreateView } from './CreateView.tsx';
import { DeviceBanner, DeviceChip } from './DeviceViews.tsx';
import { DevicePanel } from './DevicePanel.tsx';
import { EditorView } from './EditorView.tsx';
import { filesOf, isImageFile, isModelFile, isTextTarget } from './files.ts';
import { ModelsPanel } from './ModelsPanel.tsx';
import { OfflineSwitch } from './OfflineSwitch.tsx';
import { UpdatePrompt } from './UpdatePrompt.tsx';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { localeTag, t } from '../store/ui.ts';

const TABS = [{ id: 'create' }, { id: 'edit' }, { id: 'models' }, { id: 'device' }] as const;
type TabId = (typeof TABS)[number]['id'];

const tabFromHash = (): TabId => {
  const h = location.hash.replace('#', '');
  return TABS.some((t) => t.id === h) ? (h as TabId) : 'create';
};

/** A shared recipe link (#recipe=...) fills the Create form once; the fragment is then dropped from the address. */
function openRecipeLink(): boolean {
  if (!studioStore.getState().generate.applyRecipeLink(location.hash)) return false;
  history.replaceState(null, '', location.pathname + location.search);
  return true;
}

export function App() {
  const [tab, setTabState] = useState<TabId>(tabFromHash);
  const [dragging, setDragging] = useState(false);
  const tabRefs = useRef<Record<string, HTMLButtonElement | null>>({});
  const modelsBusy = useStudio((s) => s.models.loadingSetId !== null || Object.keys(s.models.transfers).length > 0);
  const generating = useStudio((s) => s.generate.status !== 'idle');
  const editing = useStudio((s) => s.editor.status !== 'idle');
  const locale = useStudio((s) => s.locale.locale);
  useEffect(() => {
    document.documentElement.lang = localeTag(locale);
    document.title = t('app.title');
  }, [locale]);

  // Back/forward and links like #models switch tabs too.
  useEffect(() => {
    const onHash = () => {
      if (openRecipeLink()) setTabState('create');
      else setTabState(tabFromHash());
    };
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  const setTab = useCallback((t: TabId) => {
    setTabState(t);
    history.replaceState(null, '', t === 'create' ? location.pathname + location.search : `#${t}`);
  }, []);

  // Start-up: the device (which starts the engine worker), the stored gallery, and the model list.
  useEffect(() => {
    const s = studioStore.getState();
    void s.device.check().then(() => {
      const st = studioStore.getState();
      void st.models.refresh();
      st.generate.recountTokens();
    });
    void s.gallery.load();
    void s.queue.load();
    openRecipeLink();
  }, []);

  const openImage = useCallback(
    (f: File) => {
      setTab('edit');
      void studioStore.getState().editor.openBlob(f, { name: f.name });
    },
    [setTab],
  );

  // A studio PNG restores its settings on the Create tab; anything else opens in the editor.
  const restoreOrEdit = useCallback(
    async (f: File) => {
      const g = studioStore.getState().generate;
      g.dismiss();
      if (f.type === 'image/png' && g.restoreFromPng(new Uint8Array(await f.arrayBuffer()))) setTab('create');
      else openImage(f);
    },
    [setTab, openImage],
  );

  const handleFiles = useCallback(
    async (files: File[]) => {
      const s = studioStore.getState();
      if (files.length === 0) return;
      if (tab === 'models' || files.every(isModelFile)) {
        setTab('models');
        void s.models.importFiles(files.map((file) => ({ file, path: file.webkitRelativePath || file.name })));
        return;
      }
      const f = files.find(isImageFile);
      if (!f) return;
      // On Edit any image opens in the editor.
      if (tab === 'edit') openImage(f);
      else await restoreOrEdit(f);
    },
    [tab, setTab, openImage, restoreOrEdit],
  );

  // Keyboard: Ctrl+Enter runs the visible tab's job.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
        const s = studioStore.getState();
        if (tab === 'create') void s.generate.generate();
        else if (tab === 'edit') void s.editor.applyEdit();
        else return;
        e.preventDefault();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [tab]);

  // Drag and drop and paste, anywhere on the page.
  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => !!e.dataTransfer && Array.from(e.dataTransfer.types).includes('Files');
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth++;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (hasFiles(e)) e.preventDefault();
    };
    const leave = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      void handleFiles(filesOf(e.dataTransfer));
    };
    const paste = (e: ClipboardEvent) => {
      const img = filesOf(e.clipboardData).find(isImageFile);
      if (!img) return;
      if (isTextTarget(e.target) && e.clipboardData?.types.includes('text/plain')) return;
      e.preventDefault();
      openImage(img);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, [handleFiles, openImage]);

  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    const n = TABS.length;
    const next = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    setTab(TABS[next].id);
    tabRefs.current[TABS[next].id]?.focus();
  };
  const busyDot: Partial<Record<TabId, boolean>> = { create: generating, edit: editing, models: modelsBusy };

  return (
    // Keyed by the language: a switch re-renders every label (memoised parts included); state lives in the store.
    <div className="app" key={locale}>
      <header className="app-header">
        <div className="brand">
          <div className="brand-mark" aria-hidden="true" />
          <div>
            <h1>{t('app.title')}</h1>
            <p className="tagline">{t('app.tagline')}</p>
          </div>
        </div>
        <nav className="tabs" role="tablist" aria-label={t('app.sections')}>
          {TABS.map((tb, i) => (
            <button
              key={tb.id}
              ref={(el) => {
                tabRefs.current[tb.id] = el;
              }}
              type="button"
              role="tab"
              id={`tab-${tb.id}`}
              className="tab"
              aria-selected={tab === tb.id}
              aria-controls={tab === tb.id ? `panel-${tb.id}` : undefined}
              tabIndex={tab === tb.id ? 0 : -1}
              onClick={() => setTab(tb.id)}
              onKeyDown={(e) => onTabKey(e, i)}
            >
              {t(`tab.${tb.id}`)}
              {busyDot[tb.id] && <span className="tab-busy" aria-label={t('app.working')} />}
            </button>
          ))}
        </nav>
        <LanguageSwitch />
        <OfflineSwitch />
        <DeviceChip onOpen={() => setTab('device')} />
      </header>
      <div className="banners">
        <DeviceBanner />
      </div>
      <main className="app-main">
        {/* Only the visible tab is mounted: its state lives in the store, and labels on other tabs cannot
            collide with this one's (a set named "... 50 steps" must not answer to the label "Steps"). */}
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
          {tab === 'create' && <CreateView onEdit={() => setTab('edit')} onLoadPng={restoreOrEdit} />}
          {tab === 'edit' && <EditorView onOpenFile={openImage} />}
          {tab === 'models' && <ModelsPanel />}
          {tab === 'device' && <DevicePanel />}
        </div>
      </main>
      <UpdatePrompt />
      {dragging && (
        <div className="drop-overlay" aria-hidden="true">
          {tab === 'models' ? t('drop.models') : tab === 'edit' ? t('drop.edit') : t('drop.create')}
        </div>
      )}
    </div>
  );
}
