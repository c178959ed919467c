/** What is wrong with an input given as an ESP image. */
export type EspImageErrorKind = 'not-an-image' | 'truncated' | 'corrupt' | 'checksum-mismatch' | 'sha256-mismatch';

/** An input that is not a usable ESP image; `kind` says why, the message says where. */
export class EspImageError extends Error {
  constructor(readonly kind: EspImageErrorKind, message: string) {
    super(message);
    this.name = 'EspImageError';
  }
}
