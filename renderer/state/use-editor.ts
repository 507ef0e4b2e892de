/** React's view of the store: re-renders a panel when the part it selects changes. */
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Api } from '../../main/contract.ts';
import type { EditorSnapshot } from './editor-state.ts';
import type { EditorStore } from './editor-store.ts';
import type { EditorActions } from '../actions/editor-actions.ts';
import type { CanvasOwner } from '../canvas/canvas-owner.ts';

export interface EditorContextValue {
  store: EditorStore;
  api: Api;
  actions: EditorActions;
  canvas: CanvasOwner;
}

export const EditorContext = createContext<EditorContextValue | null>(null);

export function useEditorContext(): EditorContextValue {
  const value = useContext(EditorContext);
  if (!value) throw new Error('EditorContext is missing');
  return value;
}

export function useEditor<T>(select: (s: EditorSnapshot) => T): T {
  const { store } = useEditorContext();
  return useSyncExternalStore(store.subscribe, () => select(store.get()));
}
