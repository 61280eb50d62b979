/**
 * undici hands header values over as latin1 strings: each byte one char. A server that sends a
 * Location as raw UTF-8 (`/café` as 63 61 66 C3 A9) therefore arrives as "/cafÃ©", which URL
 * resolution would percent-encode as /caf%C3%83%C2%A9. curl and browsers request /caf%C3%A9: they
 * take the bytes as UTF-8 when they are valid UTF-8.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * The header value's bytes read as UTF-8 when it has any byte >= 0x80 and they are valid UTF-8;
 * when they are not (a Latin-1 `é` alone, the byte E9: an old server whose file names are
 * Latin-1), those bytes percent-encoded as they are, `/caf%E9`, which is what Chromium and curl
 * request. Read as Latin-1 text, the é was encoded as UTF-8 by URL resolution, `/caf%C3%A9`: a URL
 * such a server does not have (404). Otherwise the value as given (plain ASCII, or chars beyond
 * 0xFF, which were never bytes).
 */
export function decodeHeaderUtf8(value: string): string {
  let hasHighByte = false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code > 0xff) return value;
    if (code >= 0x80) hasHighByte = true;
  }
  if (!hasHighByte) return value;
  try {
    return utf8.decode(Buffer.from(value, 'latin1'));
  } catch {
    // Not UTF-8: each high byte as its own escape, the rest as sent.
    return value.replace(/[\x80-\xff]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  }
}
