/**
 * Turns a URL path into a path relative to a served folder, or null when it tries to leave that
 * folder or is otherwise odd: `..` or `.` segments (also percent-encoded), backslashes, NUL bytes,
 * empty segments, or malformed percent-encoding. Shared by the two custom protocols.
 */
export function safeRelativePath(urlPathname: string): string[] | null {
  const trimmed = urlPathname.replace(/^\/+/, '');
  if (trimmed === '') return [];
  const segments: string[] = [];
  for (const raw of trimmed.split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..') return null;
    if (/[\\/\0:]/.test(segment)) return null; // separators (once decoded), NUL, drive letters or streams
    segments.push(segment);
  }
  return segments;
}
