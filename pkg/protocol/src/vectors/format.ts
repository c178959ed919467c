import type { Channel, MessageKind } from '../channels';
import type { ViolationReason } from '../reasons';
import { decodeBase64 } from '../signature';

/** Version of the vector file format (files carry it as `format`). */
export const VECTOR_FORMAT = 1;

/** One message vector: a topic and payload with the verdict every consumer must reach. */
export interface VectorCase {
  /** Unique across all files. */
  name: string;
  topicPrefix: string;
  topic: string;
  /** The payload as text (UTF-8 when published). Exactly one of payload and payloadBase64 is present. */
  payload?: string;
  /** The payload bytes in standard base64, for bytes that are not valid UTF-8 or contain NUL. */
  payloadBase64?: string;
  /** The channel the topic names; absent when the topic itself is invalid. */
  channel?: Channel;
  verdict: 'valid' | 'invalid';
  /** valid only: the message kind the parser reports. */
  kind?: MessageKind;
  /** invalid only: the reason code. */
  reason?: ViolationReason;
  /** invalid only: JSON Pointer of the offending field ("" = the payload as a whole); absent for topic problems. */
  field?: string;
}

/** One vector file. */
export interface VectorFile {
  format: typeof VECTOR_FORMAT;
  protocol: number;
  description: string;
  cases: VectorCase[];
}

/** The payload bytes of a vector. */
export function vectorPayloadBytes(vector: VectorCase): Uint8Array {
  if (vector.payloadBase64 !== undefined) {
    const bytes = decodeBase64(vector.payloadBase64);
    if (!bytes) throw new Error(`vector ${vector.name}: payloadBase64 is not base64`);
    return bytes;
  }
  if (vector.payload === undefined) throw new Error(`vector ${vector.name}: neither payload nor payloadBase64`);
  return new TextEncoder().encode(vector.payload);
}
