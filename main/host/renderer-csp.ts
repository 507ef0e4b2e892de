/**
 * The renderer's Content-Security-Policy: only our own scripts and styles, images from the host's
 * file URLs (and blob: for progress previews), no plugins, frames, forms or inline scripts. Serve
 * mode sends it as a header; the Electron shell can send the same from its protocol handler, adding
 * its own scheme to `self`-like sources.
 */
export function rendererCsp(options: { connect?: string[]; images?: string[] } = {}): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `img-src 'self' blob: data: ${(options.images ?? []).join(' ')}`.trim(),
    `connect-src 'self' ${(options.connect ?? []).join(' ')}`.trim(),
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}
