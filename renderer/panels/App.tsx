/** The window: toolbar on top, canvas with the side panel, status bar; files can be dropped or pasted anywhere. */
import { useEffect, useState } from 'react';
import { useEditor, useEditorContext } from '../state/use-editor.ts';
import { CanvasPanel } from './CanvasPanel.tsx';
import { CanvasView } from './CanvasView.tsx';
import { EnginePanel } from './EnginePanel.tsx';
import { ExportPanel } from './ExportPanel.tsx';
import { HistoryPanel } from './HistoryPanel.tsx';
import { ModelsPanel } from './ModelsPanel.tsx';
import { Notices } from './Notices.tsx';
import { PromptPanel } from './PromptPanel.tsx';
import { StagingPanel } from './StagingPanel.tsx';
import { StatusBar } from './StatusBar.tsx';
import { MaskToolsBar } from './MaskToolsBar.tsx';
import { Toolbar } from './Toolbar.tsx';
import { useShortcuts } from './use-shortcuts.ts';

export function App() {
  const { actions } = useEditorContext();
  const hasDoc = useEditor((s) => s.doc !== null);
  const [dragging, setDragging] = useState(false);
  useShortcuts();

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (file) {
        e.preventDefault();
        void actions.openFile(file.name ? file : new File([file], 'pasted image.png', { type: file.type }));
      }
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, [actions]);

  return (
    <div
      className={`app${dragging ? ' dragging' : ''}`}
      onDragOver={(e) => {
        if (e.dataTransfer.types.includes('Files')) {
          e.preventDefault();
          setDragging(true);
        }
      }}
      onDragLeave={(e) => {
        if (e.currentTarget === e.target) setDragging(false);
      }}
      onDrop={(e) => {
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (file) void actions.openFile(file);
      }}
    >
      <Toolbar />
      <MaskToolsBar />
      <Notices />
      <main className="workspace">
        <section className="canvas-area" aria-label="Photo">
          <CanvasView />
          {!hasDoc && <EmptyState />}
        </section>
        <aside className="side">
          <PromptPanel />
          <StagingPanel />
          <CanvasPanel />
          <HistoryPanel />
          <ExportPanel />
          <EnginePanel />
          <ModelsPanel />
        </aside>
      </main>
      <StatusBar />
    </div>
  );
}

function EmptyState() {
  return (
    <div className="empty">
      <h1>Open a photo to start</h1>
      <p>JPEG, PNG or WebP, up to 50 megapixels. Use Open, drop a file here, or paste an image.</p>
      <p>Then paint over what should change, describe what should be there, and press Run.</p>
    </div>
  );
}
