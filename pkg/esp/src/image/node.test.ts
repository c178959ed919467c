import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { espVectorsDir } from '../test-vectors';
import { readAppImageInfo } from './reader';
import { readAppImageInfoNode } from './node';

const blink = new Uint8Array(readFileSync(join(espVectorsDir(), 'images', 'esp_idf_blink_esp32s2.bin')));

describe('readAppImageInfoNode', () => {
  it('reads an ESP-IDF app exactly as the portable reader does', () => {
    expect(readAppImageInfoNode(blink)).toEqual(readAppImageInfo(blink));
    expect(readAppImageInfoNode(blink).sha256?.valid).toBe(true);
  });

  it('finds a changed byte through the appended SHA-256', () => {
    const changed = new Uint8Array(blink);
    changed[100] ^= 0x01;
    const portable = readAppImageInfo(changed, { verify: false });
    const node = readAppImageInfoNode(changed, { verify: false });
    expect(node.sha256).toEqual(portable.sha256);
    expect(node.checksum.valid && node.sha256?.valid).toBe(false);
    expect(() => readAppImageInfoNode(changed)).toThrow(/checksum|SHA-256/);
  });
});
