const END = 0xc0;
const ESC = 0xdb;
const ESC_END = 0xdc;
const ESC_ESC = 0xdd;

/** Wraps one packet in SLIP framing (0xC0 … 0xC0, with 0xC0/0xDB escaped). */
export function slipEncode(packet: Uint8Array): Uint8Array {
  const out: number[] = [END];
  for (const b of packet) {
    if (b === END) out.push(ESC, ESC_END);
    else if (b === ESC) out.push(ESC, ESC_ESC);
    else out.push(b);
  }
  out.push(END);
  return Uint8Array.from(out);
}

/**
 * Incremental SLIP decoder. Bytes outside a frame (boot text, line noise) are ignored, empty frames
 * (back-to-back 0xC0) are dropped, and an invalid escape discards the frame it occurs in.
 */
export class SlipDecoder {
  private frame: number[] | null = null;
  private escaping = false;
  private broken = false;

  /** Feeds bytes and returns every frame they complete. */
  push(bytes: Uint8Array): Uint8Array[] {
    const frames: Uint8Array[] = [];
    for (const b of bytes) {
      if (this.frame === null) {
        if (b === END) this.frame = [];
        continue;
      }
      if (this.escaping) {
        this.escaping = false;
        if (b === ESC_END) this.frame.push(END);
        else if (b === ESC_ESC) this.frame.push(ESC);
        else this.broken = true;
        continue;
      }
      if (b === ESC) {
        this.escaping = true;
      } else if (b === END) {
        if (this.frame.length > 0 && !this.broken) frames.push(Uint8Array.from(this.frame));
        // A closing 0xC0 may also open the next frame: stay inside a (new, empty) frame.
        this.frame = [];
        this.broken = false;
      } else {
        this.frame.push(b);
      }
    }
    return frames;
  }

  /** Forgets any partial frame (used when the chip resets). */
  reset(): void {
    this.frame = null;
    this.escaping = false;
    this.broken = false;
  }
}
