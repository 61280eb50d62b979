/**
 * Where a body's bytes collect while it is read: into one buffer of the announced length when the
 * response gave one (Content-Length, identity coding), so each chunk is copied once as it arrives
 * and can be freed; else into a list of chunks joined once at the end.
 *
 * Why: a list joined at the end holds the body twice at that moment, and every chunk until then.
 * For a page near the 10 MB cap, with several fetched at once, that was tens of MB at a time.
 *
 * Either way the result owns its whole ArrayBuffer (no slice of Node's shared pool), as the parse
 * pool needs to transfer it to a worker.
 */
export class BodySink {
  /** The preallocated body, while the bytes fit the length announced; null once they did not (or none was). */
  #whole: Uint8Array | null;
  #chunks: Uint8Array[] = [];
  #total = 0;

  /** `expectedBytes`: the length announced, already held to the cap; null when unknown. */
  constructor(expectedBytes: number | null) {
    this.#whole = expectedBytes !== null && expectedBytes > 0 ? new Uint8Array(expectedBytes) : null;
  }

  get total(): number {
    return this.#total;
  }

  push(chunk: Uint8Array): void {
    const whole = this.#whole;
    if (whole !== null && this.#total + chunk.length <= whole.length) {
      whole.set(chunk, this.#total);
    } else {
      // More than announced (the transport stops that before us, but the body is kept either
      // way): what was copied becomes the first chunk of a list.
      if (whole !== null) {
        this.#chunks.push(whole.subarray(0, this.#total));
        this.#whole = null;
      }
      this.#chunks.push(chunk);
    }
    this.#total += chunk.length;
  }

  /** The body; the sink is not to be used afterwards. */
  take(): Uint8Array {
    const whole = this.#whole;
    if (whole !== null) {
      // Fewer bytes than announced (the read stopped early): cut to an owner of its own.
      return this.#total === whole.length ? whole : whole.slice(0, this.#total);
    }
    const body = new Uint8Array(this.#total);
    let offset = 0;
    for (const chunk of this.#chunks) {
      body.set(chunk, offset);
      offset += chunk.length;
    }
    this.#chunks = [];
    return body;
  }
}

/**
 * The Content-Length to preallocate for: a plain decimal (a list or anything odd is left to the
 * transport, which refuses or reads to the close), held to the cap; null when there is none to trust.
 */
export function expectedLength(header: string | string[] | undefined, maxBodyBytes: number): number | null {
  if (typeof header !== 'string' || !/^[0-9]{1,15}$/.test(header)) return null;
  return Math.min(Number(header), maxBodyBytes);
}
