/** What both custom protocols accept before looking at the path: GET or HEAD to exactly scheme://host/. */

export interface Refusal {
  status: number;
  text: string;
}

/** The request's URL, or why it is refused (other methods, a malformed URL, another host, a port or credentials). */
export function checkProtocolRequest(request: Request, scheme: string, host: string): URL | Refusal {
  if (request.method !== 'GET' && request.method !== 'HEAD') return { status: 405, text: 'Method not allowed' };
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { status: 400, text: 'Bad URL' };
  }
  if (url.protocol !== `${scheme}:` || url.hostname !== host || url.port || url.username) return { status: 404, text: 'Not found' };
  return url;
}
