/** Entry: connect to the host (preload or WebSocket), then mount the editor. */
import { createRoot } from 'react-dom/client';
import { connectApi } from './api/window-api.ts';
import { App } from './panels/App.tsx';
import { createEditorActions } from './actions/editor-actions.ts';
import { CanvasOwner } from './canvas/canvas-owner.ts';
import { EditorStore } from './state/editor-store.ts';
import { EditorContext } from './state/use-editor.ts';
import './styles.css';

const store = new EditorStore();
const root = createRoot(document.getElementById('root')!);
const api = connectApi((open) => store.update({ connectionLost: !open }));

if ('error' in api) {
  root.render(<p className="fatal">{api.error}</p>);
} else {
  const canvas = new CanvasOwner();
  const actions = createEditorActions(store, api, canvas);
  window.addEventListener('unhandledrejection', (e) => store.notify('error', `Something went wrong: ${String(e.reason?.message ?? e.reason)}`));
  window.addEventListener('error', (e) => store.notify('error', `Something went wrong: ${e.message}`));
  root.render(
    <EditorContext.Provider value={{ store, api, actions, canvas }}>
      <App />
    </EditorContext.Provider>,
  );
  void actions.init();
}
