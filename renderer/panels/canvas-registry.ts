/** The mounted canvas, for the toolbar's zoom buttons and shortcuts (one canvas per window). */
import type { EditorCanvas } from '../canvas/editor-canvas.ts';

export const canvasRegistry: { current: EditorCanvas | null } = { current: null };
