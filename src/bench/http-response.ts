/**
 * Complete HTTP/1.1 responses built ahead of time, so that serving one is a socket.write of
 * Buffers that already exist (http-responder.ts). Every response has a Content-Length and no
 * Date (RFC 9110 §6.6.1 lets a server without a reliable clock leave it out, and one clock
 * read per response is exactly the per-request work this avoids).
 */

export interface HttpResponse {
  status: number;
  contentType: string;
  /** Header lines beyond the fixed ones, each ending in CRLF, e.g. 'Allow: GET, HEAD\r\n'. */
  extraHeaders: string;
  /** The head of a keep-alive response, blank line included. */
  head: Buffer;
  body: Buffer;
  /** head and body adjacent in one Buffer, when packed that way: one write instead of two. */
  message?: Buffer;
}

/** Must match the responder's idle timeout: undici and others keep an idle socket until just before it. */
export const KEEP_ALIVE_TIMEOUT_S = 30;

const REASONS: Record<number, string> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  405: 'Method Not Allowed',
  505: 'HTTP Version Not Supported',
};

/**
 * The head for a response, as latin1 text. The keep-alive variant also says so for HTTP/1.0
 * clients that asked for it (`Connection: keep-alive` is implied in HTTP/1.1, but harmless).
 */
export function formatHead(
  response: Pick<HttpResponse, 'status' | 'contentType' | 'extraHeaders'>,
  bodyBytes: number,
  isKeepAlive: boolean,
): string {
  const { status, contentType, extraHeaders } = response;
  const connection = isKeepAlive ? `Connection: keep-alive\r\nKeep-Alive: timeout=${KEEP_ALIVE_TIMEOUT_S}\r\n` : 'Connection: close\r\n';
  return (
    `HTTP/1.1 ${status} ${REASONS[status] ?? 'Unknown'}\r\nContent-Type: ${contentType}\r\n` +
    `Content-Length: ${bodyBytes}\r\n${extraHeaders}${connection}\r\n`
  );
}

/** A response whose head and body are separate Buffers: for a body rendered per request. */
export function createResponse(status: number, contentType: string, body: Buffer, extraHeaders = ''): HttpResponse {
  const fields = { status, contentType, extraHeaders };
  return { ...fields, head: Buffer.from(formatHead(fields, body.length, true), 'latin1'), body };
}

/**
 * Returns a function that copies each response's head and body side by side into large slabs.
 * Slabs rather than a Buffer per response: Buffers of this size are separate allocations, and
 * a few big ones keep the heap small and the pages resident.
 */
export function createResponsePacker(slabBytes: number): (status: number, contentType: string, body: Buffer, extraHeaders?: string) => HttpResponse {
  let slab = Buffer.alloc(0);
  let slabUsed = 0;
  return (status, contentType, body, extraHeaders = '') => {
    const fields = { status, contentType, extraHeaders };
    const head = formatHead(fields, body.length, true);
    const headBytes = Buffer.byteLength(head, 'latin1');
    const size = headBytes + body.length;
    if (slabUsed + size > slab.length) {
      slab = Buffer.allocUnsafeSlow(Math.max(slabBytes, size));
      slabUsed = 0;
    }
    slab.write(head, slabUsed, 'latin1');
    body.copy(slab, slabUsed + headBytes);
    const message = slab.subarray(slabUsed, slabUsed + size);
    slabUsed += size;
    return { ...fields, head: message.subarray(0, headBytes), body: message.subarray(headBytes), message };
  };
}
