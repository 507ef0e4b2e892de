/**
 * Where the window opens: the saved bounds when they are still on a screen (a monitor may have been
 * unplugged since), otherwise the default size, centred by the OS.
 */
import type { WindowBounds } from './shell-state-schema.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const DEFAULT_WINDOW = { width: 1400, height: 900 };
/** How much of the title bar must be on some screen for saved bounds to be kept. */
const MIN_VISIBLE = { width: 120, height: 40 };

export function initialWindowBounds(saved: WindowBounds | null, workAreas: Rect[]): WindowBounds {
  const largest = workAreas.reduce<Rect | null>((a, b) => (!a || b.width * b.height > a.width * a.height ? b : a), null);
  const clampWidth = (w: number) => Math.max(400, largest ? Math.min(w, largest.width) : w);
  const clampHeight = (h: number) => Math.max(300, largest ? Math.min(h, largest.height) : h);
  if (!saved) return { width: clampWidth(DEFAULT_WINDOW.width), height: clampHeight(DEFAULT_WINDOW.height), maximized: false };
  const size = { width: clampWidth(saved.width), height: clampHeight(saved.height), maximized: saved.maximized };
  if (saved.x === undefined || saved.y === undefined) return size;
  const titleBar = { x: saved.x, y: saved.y, width: size.width, height: MIN_VISIBLE.height };
  const visible = workAreas.some((area) => {
    const w = Math.min(titleBar.x + titleBar.width, area.x + area.width) - Math.max(titleBar.x, area.x);
    const h = Math.min(titleBar.y + titleBar.height, area.y + area.height) - Math.max(titleBar.y, area.y);
    return w >= MIN_VISIBLE.width && h >= MIN_VISIBLE.height;
  });
  return visible ? { ...size, x: saved.x, y: saved.y } : size;
}
