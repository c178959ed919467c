import { sha256 } from '@noble/hashes/sha2.js';
import { chipName, flashFrequencyName, flashSizeName, SPI_MODE_NAMES } from './chips';
import { EspImageError } from './errors';
import {
  APP_DESC_LENGTH,
  APP_DESC_MAGIC,
  AppDescOffset,
  BOOTLOADER_DESC_LENGTH,
  BOOTLOADER_DESC_MAGIC,
  CHECKSUM_SEED,
  checksumOffset,
  ESP_IMAGE_MAGIC,
  HeaderOffset,
  IMAGE_HEADER_LENGTH,
  MAX_SEGMENTS,
  SEGMENT_HEADER_LENGTH,
  SHA256_LENGTH,
} from './layout';
import type { AppDescription, AppImageInfo, BootloaderDescription, ImageSegment } from './types';

/** Options of {@link readAppImageInfo}. */
export interface ReadAppImageOptions {
  /**
   * Throw on a checksum or SHA-256 mismatch (default true). With false the mismatch is only reported
   * in `checksum.valid` / `sha256.valid`; structural problems (truncation) always throw.
   */
  verify?: boolean;
  /**
   * SHA-256 of the image body. Default: the portable @noble/hashes one (browser and Node); Node callers pass
   * node:crypto's, about ten times faster on large images.
   */
  sha256?: (data: Uint8Array) => Uint8Array;
}

const hex = (value: number): string => `0x${value.toString(16)}`;
const toHex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * Reads an ESP app (or bootloader) image: header, segments, XOR checksum, appended SHA-256 and the app
 * description (`esp_app_desc_t`, magic 0xABCD5432) of the first segment. Trailing bytes after the image
 * (padding, a secure boot signature sector) are allowed.
 * @throws EspImageError for a non-image, a truncated or header-only file, or (unless `verify: false`)
 *   a checksum or SHA-256 mismatch.
 */
export function readAppImageInfo(bin: Uint8Array, options: ReadAppImageOptions = {}): AppImageInfo {
  const verify = options.verify ?? true;
  const fileEnd = bin.length;
  if (fileEnd === 0) throw new EspImageError('not-an-image', 'not an ESP image: the file is empty');
  if (bin[0] !== ESP_IMAGE_MAGIC) {
    throw new EspImageError('not-an-image', `not an ESP image: first byte is ${hex(bin[0] as number)} (expected 0xE9)`);
  }
  if (fileEnd < IMAGE_HEADER_LENGTH) {
    throw new EspImageError('truncated', `truncated: the file is ${fileEnd} bytes, shorter than the ${IMAGE_HEADER_LENGTH}-byte image header`);
  }
  const view = new DataView(bin.buffer, bin.byteOffset, bin.byteLength);
  const segmentCount = view.getUint8(HeaderOffset.segmentCount);
  if (segmentCount === 0 || segmentCount > MAX_SEGMENTS) {
    throw new EspImageError('corrupt', `corrupt: the header declares ${segmentCount} segments (an image has 1 to ${MAX_SEGMENTS})`);
  }

  const segments: ImageSegment[] = [];
  let at = IMAGE_HEADER_LENGTH;
  let checksum = CHECKSUM_SEED;
  for (let index = 0; index < segmentCount; index++) {
    if (at + SEGMENT_HEADER_LENGTH > fileEnd) {
      throw new EspImageError(
        'truncated',
        `truncated: the header of segment ${index} belongs at offset ${hex(at)} but the file ends at ${hex(fileEnd)}`,
      );
    }
    const loadAddress = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    const offset = at + SEGMENT_HEADER_LENGTH;
    if (offset + length > fileEnd) {
      throw new EspImageError(
        'truncated',
        `truncated: header says segment ${index} is ${length} bytes at offset ${hex(offset)} but the file ends at ${hex(fileEnd)}`,
      );
    }
    for (let i = offset; i < offset + length; i++) checksum ^= bin[i] as number;
    segments.push({ loadAddress, length, offset });
    at = offset + length;
  }
  if (segments.every((s) => s.length === 0)) {
    throw new EspImageError(
      'truncated',
      `truncated: header-only image: ${segmentCount} segment(s) with no data at all (entry ${hex(view.getUint32(HeaderOffset.entryAddress, true))} has no code)`,
    );
  }

  const checksumAt = checksumOffset(at);
  if (checksumAt >= fileEnd) {
    throw new EspImageError('truncated', `truncated: the checksum byte belongs at offset ${hex(checksumAt)} but the file ends at ${hex(fileEnd)}`);
  }
  const storedChecksum = bin[checksumAt] as number;
  if (verify && storedChecksum !== checksum) {
    throw new EspImageError(
      'checksum-mismatch',
      `checksum mismatch: the byte at ${hex(checksumAt)} is ${hex(storedChecksum)} but the segment data gives ${hex(checksum)}; the image is corrupt`,
    );
  }

  const hashAppended = view.getUint8(HeaderOffset.hashAppended) === 1;
  let imageSize = checksumAt + 1;
  let sha: AppImageInfo['sha256'];
  if (hashAppended) {
    if (imageSize + SHA256_LENGTH > fileEnd) {
      throw new EspImageError(
        'truncated',
        `truncated: the appended SHA-256 belongs at ${hex(imageSize)}-${hex(imageSize + SHA256_LENGTH - 1)} but the file ends at ${hex(fileEnd)}`,
      );
    }
    const stored = toHex(bin.subarray(imageSize, imageSize + SHA256_LENGTH));
    const computed = toHex((options.sha256 ?? sha256)(bin.subarray(0, imageSize)));
    if (verify && stored !== computed) {
      throw new EspImageError(
        'sha256-mismatch',
        `SHA-256 mismatch: stored ${stored}, computed ${computed} over bytes 0x0-${hex(imageSize - 1)}; the image is corrupt`,
      );
    }
    sha = { stored, computed, valid: stored === computed };
    imageSize += SHA256_LENGTH;
  }

  const chipId = view.getUint16(HeaderOffset.chipId, true);
  const chip = chipName(chipId);
  const spiMode = view.getUint8(HeaderOffset.spiMode);
  const sizeAndFrequency = view.getUint8(HeaderOffset.flashSizeAndFrequency);
  const first = segments[0] as ImageSegment;
  const appDescription = readAppDescription(bin, first);
  return {
    fileSize: fileEnd,
    imageSize,
    magic: ESP_IMAGE_MAGIC,
    segmentCount,
    spiMode,
    spiModeName: SPI_MODE_NAMES[spiMode],
    flashSizeNibble: sizeAndFrequency >> 4,
    flashSize: flashSizeName(sizeAndFrequency >> 4),
    flashFrequencyNibble: sizeAndFrequency & 0xf,
    flashFrequency: flashFrequencyName(sizeAndFrequency & 0xf, chip),
    entryAddress: view.getUint32(HeaderOffset.entryAddress, true),
    wpPin: view.getUint8(HeaderOffset.wpPin),
    chipId,
    chipName: chip,
    minChipRevision: view.getUint8(HeaderOffset.minChipRevision),
    minChipRevisionFull: view.getUint16(HeaderOffset.minChipRevisionFull, true),
    maxChipRevisionFull: view.getUint16(HeaderOffset.maxChipRevisionFull, true),
    hashAppended,
    segments,
    checksum: { stored: storedChecksum, computed: checksum, valid: storedChecksum === checksum },
    sha256: sha,
    appDescription,
    bootloaderDescription: appDescription ? undefined : readBootloaderDescription(bin, first),
  };
}

function cString(bytes: Uint8Array): string {
  const nul = bytes.indexOf(0);
  return new TextDecoder().decode(nul === -1 ? bytes : bytes.subarray(0, nul));
}

function readAppDescription(bin: Uint8Array, segment: ImageSegment): AppDescription | undefined {
  if (segment.length < APP_DESC_LENGTH) return undefined;
  const desc = bin.subarray(segment.offset, segment.offset + APP_DESC_LENGTH);
  const view = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
  if (view.getUint32(AppDescOffset.magic, true) !== APP_DESC_MAGIC) return undefined;
  const field = (start: number, length: number): string => cString(desc.subarray(start, start + length));
  const mmuLog2 = view.getUint8(AppDescOffset.mmuPageSizeLog2);
  return {
    magic: APP_DESC_MAGIC,
    secureVersion: view.getUint32(AppDescOffset.secureVersion, true),
    version: field(AppDescOffset.version, 32),
    projectName: field(AppDescOffset.projectName, 32),
    time: field(AppDescOffset.time, 16),
    date: field(AppDescOffset.date, 16),
    idfVersion: field(AppDescOffset.idfVersion, 32),
    appElfSha256: toHex(desc.subarray(AppDescOffset.appElfSha256, AppDescOffset.appElfSha256 + 32)),
    minEfuseBlockRevisionFull: view.getUint16(AppDescOffset.minEfuseBlockRevisionFull, true),
    maxEfuseBlockRevisionFull: view.getUint16(AppDescOffset.maxEfuseBlockRevisionFull, true),
    mmuPageSize: mmuLog2 === 0 ? undefined : 2 ** mmuLog2,
  };
}

function readBootloaderDescription(bin: Uint8Array, segment: ImageSegment): BootloaderDescription | undefined {
  if (segment.length < BOOTLOADER_DESC_LENGTH || bin[segment.offset] !== BOOTLOADER_DESC_MAGIC) return undefined;
  const desc = bin.subarray(segment.offset, segment.offset + BOOTLOADER_DESC_LENGTH);
  const view = new DataView(desc.buffer, desc.byteOffset, desc.byteLength);
  return {
    secureVersion: view.getUint8(3),
    version: view.getUint32(4, true),
    idfVersion: cString(desc.subarray(8, 40)),
    dateTime: cString(desc.subarray(40, 64)),
  };
}
