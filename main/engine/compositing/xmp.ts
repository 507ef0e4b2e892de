/**
 * The XMP packet that records an export's edit recipes (`parameters`) in JPEG and WebP files.
 * The text is stored as one property in our own namespace; the JSON sidecar holds the same text for
 * tools that do not read XMP, and in full where XMP cannot (a JPEG's XMP segment holds under 64 KB).
 */
export const XMP_NAMESPACE = 'urn:glide-inpaint-editor:xmp:1.0/';

/** Escapes for XML text; characters XML 1.0 cannot hold at all become U+FFFD. */
function xmlText(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, '\ufffd')
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}

/** A JPEG's XMP must fit one APP1 segment (65533 bytes less its 29-byte header); keep a margin. */
export const JPEG_XMP_MAX_BYTES = 65_000;

function packet(properties: string): string {
  return (
    '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n' +
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n' +
    ' <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n' +
    `  <rdf:Description rdf:about="" xmlns:glide="${XMP_NAMESPACE}">\n` +
    properties +
    '  </rdf:Description>\n' +
    ' </rdf:RDF>\n' +
    '</x:xmpmeta>\n' +
    '<?xpacket end="w"?>'
  );
}

/**
 * @param sidecarName the JSON sidecar's file name, recorded so the text can be found from the image
 * @param maxBytes when the full packet is larger, only the sidecar's name is recorded
 */
export function parametersXmp(parameters: string, sidecarName?: string, maxBytes = Infinity): string {
  const sidecar = sidecarName === undefined ? '' : `   <glide:sidecar>${xmlText(sidecarName)}</glide:sidecar>\n`;
  const full = packet(`   <glide:parameters>${xmlText(parameters)}</glide:parameters>\n` + sidecar);
  return Buffer.byteLength(full, 'utf8') <= maxBytes ? full : packet(sidecar);
}

/** Reads the property back (for tests and for reopening an export). */
export function parametersFromXmp(xmp: string): string | undefined {
  const m = /<glide:parameters>([\s\S]*?)<\/glide:parameters>/.exec(xmp);
  if (!m) return undefined;
  return m[1].replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
