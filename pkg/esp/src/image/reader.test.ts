import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '@noble/hashes/sha2.js';
import { espVectorsDir } from '../test-vectors';
import { buildEspImage, encodeAppDescription, EspImageError, readAppImageInfo, type AppImageInfo } from './index';

const imagesDir = join(espVectorsDir(), 'images');
const expectedFile = join(imagesDir, 'expected.json');

interface ExpectedImage {
  size: number;
  magic: string;
  segments: number;
  spi_mode: number;
  flash_size_nibble: number;
  flash_freq_nibble: number;
  entry: string;
  chip_id: number;
  min_chip_rev: number;
  min_chip_rev_full: number;
  max_chip_rev_full: number;
  hash_appended: boolean;
  checksum: string;
  checksum_valid: boolean;
  segment_list: Array<{ load: string; length: number }>;
  sha256_valid?: boolean;
  app_desc?: {
    magic: string;
    secure_version: number;
    version: string;
    project_name: string;
    time: string;
    date: string;
    idf_ver: string;
    app_elf_sha256: string;
  };
}

const expected: Record<string, ExpectedImage> = existsSync(expectedFile) ? JSON.parse(readFileSync(expectedFile, 'utf8')) : {};
const readImage = (name: string): Uint8Array => new Uint8Array(readFileSync(join(imagesDir, name)));
const hex = (n: number): string => `0x${n.toString(16)}`;

function errorOf(bin: Uint8Array): EspImageError {
  try {
    readAppImageInfo(bin);
  } catch (err) {
    if (err instanceof EspImageError) return err;
    throw err;
  }
  throw new Error('expected an EspImageError');
}

describe("Espressif's test images (vectors/images)", () => {
  it('finds the vectors', () => {
    if (Object.keys(expected).length === 0) throw new Error(`no ${expectedFile}`);
  });

  const names = Object.keys(expected);
  if (names.length > 0) describe.each(names)('%s', (name) => {
    const want = expected[name] as ExpectedImage;
    let info: AppImageInfo;
    beforeAll(() => {
      info = readAppImageInfo(readImage(name));
    });

    it('has the header fields of expected.json', () => {
      expect(info.fileSize).toBe(want.size);
      expect(hex(info.magic)).toBe(want.magic);
      expect(info.segmentCount).toBe(want.segments);
      expect(info.spiMode).toBe(want.spi_mode);
      expect(info.flashSizeNibble).toBe(want.flash_size_nibble);
      expect(info.flashFrequencyNibble).toBe(want.flash_freq_nibble);
      expect(hex(info.entryAddress)).toBe(want.entry);
      expect(info.chipId).toBe(want.chip_id);
      expect(info.minChipRevision).toBe(want.min_chip_rev);
      expect(info.minChipRevisionFull).toBe(want.min_chip_rev_full);
      expect(info.maxChipRevisionFull).toBe(want.max_chip_rev_full);
      expect(info.hashAppended).toBe(want.hash_appended);
    });

    it('has the segments, checksum and SHA-256 verdicts of expected.json', () => {
      expect(info.segments.map((s) => ({ load: hex(s.loadAddress), length: s.length }))).toEqual(want.segment_list);
      expect(hex(info.checksum.stored)).toBe(want.checksum);
      expect(info.checksum.valid).toBe(want.checksum_valid);
      expect(info.sha256?.valid).toBe(want.sha256_valid);
      expect(info.imageSize).toBe(want.size);
    });

    it('has the app description of expected.json (none for bootloaders)', () => {
      const desc = want.app_desc;
      if (!desc) {
        expect(info.appDescription).toBeUndefined();
        return;
      }
      expect(info.appDescription).toMatchObject({
        magic: Number(desc.magic),
        secureVersion: desc.secure_version,
        version: desc.version,
        projectName: desc.project_name,
        time: desc.time,
        date: desc.date,
        idfVersion: desc.idf_ver,
        appElfSha256: desc.app_elf_sha256,
      });
    });

    it('is rebuilt byte-identically from its parsed fields by buildEspImage', () => {
      const bin = readImage(name);
      const rebuilt = buildEspImage({
        segments: info.segments.map((s) => ({ loadAddress: s.loadAddress, data: bin.subarray(s.offset, s.offset + s.length) })),
        chipId: info.chipId,
        entryAddress: info.entryAddress,
        spiMode: info.spiMode,
        flashSizeNibble: info.flashSizeNibble,
        flashFrequencyNibble: info.flashFrequencyNibble,
        wpPin: info.wpPin,
        minChipRevision: info.minChipRevision,
        minChipRevisionFull: info.minChipRevisionFull,
        maxChipRevisionFull: info.maxChipRevisionFull,
        hashAppended: info.hashAppended,
      });
      // Bytes 9..11 (SPI pin drive) and the reserved bytes are not modelled; copy them over before comparing.
      rebuilt.set(bin.subarray(9, 12), 9);
      rebuilt.set(bin.subarray(19, 23), 19);
      if (info.hashAppended) rebuilt.set(sha256(rebuilt.subarray(0, rebuilt.length - 32)), rebuilt.length - 32);
      expect(Buffer.from(rebuilt).equals(Buffer.from(bin))).toBe(true);
    });
  });

  it('names the chips and decodes flash parameters', () => {
    const blink = readAppImageInfo(readImage('esp_idf_blink_esp32s2.bin'));
    expect([blink.chipName, blink.spiModeName, blink.flashSize, blink.flashFrequency]).toEqual(['esp32s2', 'dio', '2MB', '80m']);
    expect(readAppImageInfo(readImage('bootloader_esp32c3.bin')).chipName).toBe('esp32c3');
    expect(readAppImageInfo(readImage('bootloader_esp32.bin')).flashFrequency).toBe('40m');
  });

  it('reads the bootloader description of an IDF 5.2 bootloader', () => {
    const info = readAppImageInfo(readImage('bootloader_esp32_v5_2.bin'));
    expect(info.bootloaderDescription).toEqual({ secureVersion: 0, version: 1, idfVersion: 'v5.2-dev-254-g1950b15', dateTime: 'Apr 25 2023 00:13:32' });
    expect(readAppImageInfo(readImage('bootloader_esp32.bin')).bootloaderDescription).toBeUndefined();
  });

  it.each(['esp32s3_header.bin', 'esp32c3_header_min_rev.bin'])('rejects the 48-byte header file %s as truncated', (name) => {
    const error = errorOf(readImage(name));
    expect(error.kind).toBe('truncated');
    expect(error.message).toMatch(/^truncated: header-only image/);
  });

  it('rejects a partition table as not an image', () => {
    expect(errorOf(readImage('partitions_singleapp.bin')).message).toBe('not an ESP image: first byte is 0xaa (expected 0xE9)');
  });

  it('rejects every real image cut short, and accepts trailing bytes', () => {
    const bin = readImage('esp_idf_blink_esp32s2.bin');
    for (const cut of [1, 23, 24, 31, 0x20 + 35864, bin.length - 33, bin.length - 1]) {
      expect(errorOf(bin.subarray(0, cut)).kind).toBe('truncated');
    }
    const padded = new Uint8Array(bin.length + 4096).fill(0xff);
    padded.set(bin);
    const info = readAppImageInfo(padded);
    expect([info.fileSize, info.imageSize]).toEqual([bin.length + 4096, bin.length]);
  });

  it('rejects a real image with a flipped byte', () => {
    const bin = readImage('esp_idf_blink_esp32s2.bin').slice();
    bin[0x1000] ^= 0x40;
    expect(errorOf(bin).kind).toBe('checksum-mismatch');
  });
});

describe('images built from the documented layout', () => {
  const elfSha = sha256(new TextEncoder().encode('elf'));
  const desc = encodeAppDescription({
    secureVersion: 3,
    version: '1.2.3',
    projectName: 'kubeflash-node',
    time: '10:11:12',
    date: 'Nov 22 2026',
    idfVersion: 'v5.4.1',
    appElfSha256: elfSha,
  });
  const drom = new Uint8Array(1024);
  drom.set(desc);
  drom.fill(0x5a, 256);
  const iram = Uint8Array.from({ length: 301 }, (_, i) => (i * 7) & 0xff);
  const spec = {
    chipId: 9,
    entryAddress: 0x40375000,
    segments: [
      { loadAddress: 0x3c020020, data: drom },
      { loadAddress: 0x40374000, data: iram },
    ],
  };

  it('reads an app image with an appended SHA-256', () => {
    const bin = buildEspImage(spec);
    expect(bin.length % 16).toBe(0);
    const info = readAppImageInfo(bin);
    expect(info).toMatchObject({
      chipId: 9,
      chipName: 'esp32s3',
      entryAddress: 0x40375000,
      hashAppended: true,
      segmentCount: 2,
      imageSize: bin.length,
      checksum: { valid: true },
      sha256: { valid: true },
    });
    expect(info.segments).toEqual([
      { loadAddress: 0x3c020020, length: 1024, offset: 0x20 },
      { loadAddress: 0x40374000, length: 301, offset: 0x20 + 1024 + 8 },
    ]);
    expect(info.appDescription).toEqual({
      magic: 0xabcd5432,
      secureVersion: 3,
      version: '1.2.3',
      projectName: 'kubeflash-node',
      time: '10:11:12',
      date: 'Nov 22 2026',
      idfVersion: 'v5.4.1',
      appElfSha256: Buffer.from(elfSha).toString('hex'),
      minEfuseBlockRevisionFull: 0,
      maxEfuseBlockRevisionFull: 0,
      mmuPageSize: undefined,
    });
  });

  it('places the checksum so the image ends on a 16-byte boundary', () => {
    for (const length of [0, 1, 7, 8, 15, 16, 23]) {
      const bin = buildEspImage({ segments: [{ loadAddress: 0x40000000, data: new Uint8Array(length).fill(1) }], hashAppended: false });
      expect(bin.length % 16).toBe(0);
      if (length === 0) continue;
      const info = readAppImageInfo(bin);
      expect(info.checksum.stored).toBe(length % 2 === 0 ? 0xef : 0xee);
      expect(info.imageSize).toBe(bin.length);
    }
  });

  it('reads an image without an appended hash', () => {
    const info = readAppImageInfo(buildEspImage({ ...spec, hashAppended: false }));
    expect(info.hashAppended).toBe(false);
    expect(info.sha256).toBeUndefined();
    expect(info.checksum.valid).toBe(true);
  });

  it('reports no app description when the first segment has none', () => {
    const info = readAppImageInfo(buildEspImage({ segments: [{ loadAddress: 0x3ffc0000, data: new Uint8Array(300) }] }));
    expect(info.appDescription).toBeUndefined();
    expect(info.bootloaderDescription).toBeUndefined();
  });

  it('rejects a bad checksum, naming both values', () => {
    const bin = buildEspImage({ ...spec, hashAppended: false });
    bin[bin.length - 1] ^= 0xff;
    const error = errorOf(bin);
    expect(error.kind).toBe('checksum-mismatch');
    expect(error.message).toMatch(/^checksum mismatch: the byte at 0x[0-9a-f]+ is 0x[0-9a-f]+ but the segment data gives 0x[0-9a-f]+/);
    const info = readAppImageInfo(bin, { verify: false });
    expect(info.checksum.valid).toBe(false);
    expect(info.checksum.stored).toBe(info.checksum.computed ^ 0xff);
  });

  it('rejects a bad appended SHA-256', () => {
    const bin = buildEspImage(spec);
    bin[bin.length - 5] ^= 0x01;
    const error = errorOf(bin);
    expect(error.kind).toBe('sha256-mismatch');
    expect(error.message).toMatch(/^SHA-256 mismatch: stored [0-9a-f]{64}, computed [0-9a-f]{64} over bytes 0x0-0x[0-9a-f]+/);
    expect(readAppImageInfo(bin, { verify: false }).sha256?.valid).toBe(false);
  });

  it('rejects a change inside the hashed area even when the checksum is patched', () => {
    const bin = buildEspImage(spec);
    bin[4] ^= 0x10; // entry address: not covered by the checksum, covered by the SHA-256
    expect(errorOf(bin).kind).toBe('sha256-mismatch');
  });

  it('rejects truncation at every structure with a message saying where', () => {
    const bin = buildEspImage(spec);
    const end = bin.length;
    expect(errorOf(bin.subarray(0, 10)).message).toBe('truncated: the file is 10 bytes, shorter than the 24-byte image header');
    expect(errorOf(bin.subarray(0, 28)).message).toBe('truncated: the header of segment 0 belongs at offset 0x18 but the file ends at 0x1c');
    expect(errorOf(bin.subarray(0, 0x100)).message).toBe('truncated: header says segment 0 is 1024 bytes at offset 0x20 but the file ends at 0x100');
    expect(errorOf(bin.subarray(0, 0x20 + 1024 + 8 + 100)).message).toBe(
      `truncated: header says segment 1 is 301 bytes at offset ${hex(0x20 + 1024 + 8)} but the file ends at ${hex(0x20 + 1024 + 8 + 100)}`,
    );
    expect(errorOf(bin.subarray(0, end - 32 - 1)).message).toMatch(/^truncated: the checksum byte belongs at offset/);
    expect(errorOf(bin.subarray(0, end - 1)).message).toBe(
      `truncated: the appended SHA-256 belongs at ${hex(end - 32)}-${hex(end - 1)} but the file ends at ${hex(end - 1)}`,
    );
  });

  it('rejects non-images and impossible segment counts', () => {
    expect(errorOf(new Uint8Array(0)).message).toBe('not an ESP image: the file is empty');
    expect(errorOf(new TextEncoder().encode('\x7fELF....')).message).toBe('not an ESP image: first byte is 0x7f (expected 0xE9)');
    const bin = buildEspImage(spec);
    bin[1] = 0;
    expect(errorOf(bin).kind).toBe('corrupt');
    bin[1] = 17;
    expect(errorOf(bin).message).toBe('corrupt: the header declares 17 segments (an image has 1 to 16)');
  });
});
