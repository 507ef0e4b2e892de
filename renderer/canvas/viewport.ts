/**
 * Where the photo sits on screen: scale (screen px per full-resolution image px) and the screen
 * position of the image's origin. Pure math, so zoom-at-pointer and fit are tested without a canvas.
 */
export interface View {
  scale: number;
  x: number;
  y: number;
}

export const MIN_SCALE = 0.01;
export const MAX_SCALE = 32;

const clampScale = (s: number) => Math.min(MAX_SCALE, Math.max(MIN_SCALE, s));

/** Scales by `factor` keeping the image point under the pointer (px, py) where it is. */
export function zoomAt(view: View, factor: number, px: number, py: number): View {
  const scale = clampScale(view.scale * factor);
  const k = scale / view.scale;
  return { scale, x: px - (px - view.x) * k, y: py - (py - view.y) * k };
}

/** The whole image, centred, with a margin. */
export function fitView(image: { width: number; height: number }, screen: { width: number; height: number }, margin = 16): View {
  const scale = clampScale(Math.min((screen.width - 2 * margin) / image.width, (screen.height - 2 * margin) / image.height));
  return { scale, x: (screen.width - image.width * scale) / 2, y: (screen.height - image.height * scale) / 2 };
}

/** 100%: one image pixel per screen pixel, keeping the screen centre's image point centred. */
export function actualSizeView(view: View, screen: { width: number; height: number }): View {
  return zoomAt(view, 1 / view.scale, screen.width / 2, screen.height / 2);
}

export function screenToImage(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.x) / view.scale, y: (sy - view.y) / view.scale };
}

/** The wheel's zoom factor: smooth for trackpads (small deltas), ~10% per mouse notch. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-200, Math.min(200, pixels)) * 0.001);
}
