import { sha256 } from '@noble/hashes/sha2.js';
import {
  APP_DESC_LENGTH,
  APP_DESC_MAGIC,
  AppDescOffset,
  CHECKSUM_SEED,
  checksumOffset,
  ESP_IMAGE_MAGIC,
  HeaderOffset,
  IMAGE_HEADER_LENGTH,
  SEGMENT_HEADER_LENGTH,
  SHA256_LENGTH,
} from './layout';

/** Input of {@link buildEspImage}. Unset header fields take the values of a typical ESP-IDF app. */
export interface EspImageSpec {
  segments: ReadonlyArray<{ loadAddress: number; data: Uint8Array }>;
  chipId?: number;
  entryAddress?: number;
  /** Default 2 (DIO). */
  spiMode?: number;
  /** Default 2 (4MB). */
  flashSizeNibble?: number;
  /** Default 0xF (80 MHz on most chips). */
  flashFrequencyNibble?: number;
  /** Default 0xEE (unused). */
  wpPin?: number;
  minChipRevision?: number;
  minChipRevisionFull?: number;
  maxChipRevisionFull?: number;
  /** Append the SHA-256 digest (default true). */
  hashAppended?: boolean;
}

/**
 * Builds an ESP image from segments following the documented layout (header, segments, zero padding,
 * XOR checksum, optional SHA-256). Meant for tests and simulators; a real firmware comes from ESP-IDF.
 */
export function buildEspImage(spec: EspImageSpec): Uint8Array {
  const dataEnd = IMAGE_HEADER_LENGTH + spec.segments.reduce((sum, s) => sum + SEGMENT_HEADER_LENGTH + s.data.length, 0);
  const hashAppended = spec.hashAppended ?? true;
  const checksumAt = checksumOffset(dataEnd);
  const out = new Uint8Array(checksumAt + 1 + (hashAppended ? SHA256_LENGTH : 0));
  const view = new DataView(out.buffer);
  view.setUint8(HeaderOffset.magic, ESP_IMAGE_MAGIC);
  view.setUint8(HeaderOffset.segmentCount, spec.segments.length);
  view.setUint8(HeaderOffset.spiMode, spec.spiMode ?? 2);
  view.setUint8(HeaderOffset.flashSizeAndFrequency, ((spec.flashSizeNibble ?? 2) << 4) | (spec.flashFrequencyNibble ?? 0xf));
  view.setUint32(HeaderOffset.entryAddress, spec.entryAddress ?? spec.segments[0]?.loadAddress ?? 0, true);
  view.setUint8(HeaderOffset.wpPin, spec.wpPin ?? 0xee);
  view.setUint16(HeaderOffset.chipId, spec.chipId ?? 0, true);
  view.setUint8(HeaderOffset.minChipRevision, spec.minChipRevision ?? 0);
  view.setUint16(HeaderOffset.minChipRevisionFull, spec.minChipRevisionFull ?? 0, true);
  view.setUint16(HeaderOffset.maxChipRevisionFull, spec.maxChipRevisionFull ?? 0, true);
  view.setUint8(HeaderOffset.hashAppended, hashAppended ? 1 : 0);

  let at = IMAGE_HEADER_LENGTH;
  let checksum = CHECKSUM_SEED;
  for (const segment of spec.segments) {
    view.setUint32(at, segment.loadAddress, true);
    view.setUint32(at + 4, segment.data.length, true);
    out.set(segment.data, at + SEGMENT_HEADER_LENGTH);
    for (const byte of segment.data) checksum ^= byte;
    at += SEGMENT_HEADER_LENGTH + segment.data.length;
  }
  out[checksumAt] = checksum;
  if (hashAppended) out.set(sha256(out.subarray(0, checksumAt + 1)), checksumAt + 1);
  return out;
}

/** Fields of {@link encodeAppDescription}; unset strings are empty, numbers 0. */
export interface AppDescriptionSpec {
  secureVersion?: number;
  version?: string;
  projectName?: string;
  time?: string;
  date?: string;
  idfVersion?: string;
  /** 32 bytes. */
  appElfSha256?: Uint8Array;
}

/** Encodes a 256-byte `esp_app_desc_t` (place it at the start of the first segment). */
export function encodeAppDescription(spec: AppDescriptionSpec): Uint8Array {
  const out = new Uint8Array(APP_DESC_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(AppDescOffset.magic, APP_DESC_MAGIC, true);
  view.setUint32(AppDescOffset.secureVersion, spec.secureVersion ?? 0, true);
  const text = (value: string | undefined, at: number, size: number): void => {
    const bytes = new TextEncoder().encode(value ?? '');
    if (bytes.length >= size) throw new RangeError(`"${value}" does not fit in ${size - 1} bytes`);
    out.set(bytes, at);
  };
  text(spec.version, AppDescOffset.version, 32);
  text(spec.projectName, AppDescOffset.projectName, 32);
  text(spec.time, AppDescOffset.time, 16);
  text(spec.date, AppDescOffset.date, 16);
  text(spec.idfVersion, AppDescOffset.idfVersion, 32);
  if (spec.appElfSha256) out.set(spec.appElfSha256.subarray(0, 32), AppDescOffset.appElfSha256);
  return out;
}
