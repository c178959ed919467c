import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeBase64, ecdsaDerSignatureProblem } from './signature';
import { VECTORS_DIR, readVectorFiles } from './vectors/node';

const golden = (name: string) => readFileSync(join(VECTORS_DIR, 'ota-signature', name));

describe('OTA signature golden files (openssl dgst -sha256 -sign over the whole image)', () => {
  const publicKey = createPublicKey({ key: golden('ota_pubkey.der'), format: 'der', type: 'spki' });
  const image = golden('image.bin');

  test.each(['image.sig', 'image-72.sig'])('%s verifies with ota_pubkey.der and is well-formed DER', (sig) => {
    expect(publicKey.asymmetricKeyType).toBe('ec');
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(verify('sha256', image, publicKey, golden(sig))).toBe(true);
    expect(ecdsaDerSignatureProblem(golden(sig))).toBeUndefined();
  });

  test('a changed image does not verify', () => {
    const tampered = Buffer.from(image);
    tampered[100] ^= 1;
    expect(verify('sha256', tampered, publicKey, golden('image.sig'))).toBe(false);
  });

  test('the valid cmd/ota vectors describe the golden image', () => {
    const ota = readVectorFiles().get('cmd-ota.json');
    const first = JSON.parse(ota?.cases[0].payload ?? '{}') as { size: number; sha256: string; signature: string };
    expect(first.size).toBe(image.length);
    expect(first.sha256).toBe(createHash('sha256').update(image).digest('hex'));
    expect(Buffer.from(decodeBase64(first.signature) ?? [])).toEqual(golden('image.sig'));
  });
});

describe('decodeBase64', () => {
  test('agrees with Buffer on random data of every length mod 3', () => {
    for (let n = 0; n < 80; n++) {
      const bytes = randomBytes(n);
      expect(Buffer.from(decodeBase64(bytes.toString('base64')) ?? [1, 2, 3])).toEqual(bytes);
    }
  });

  test.each(['A', 'AB=', 'A===', '====', 'AB=C', 'AB-_', 'ÄÄÄÄ', 'AAA=AAAA'])('rejects %j', (text) => {
    expect(decodeBase64(text)).toBeUndefined();
  });
});

describe('ecdsaDerSignatureProblem', () => {
  const der = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
  test.each([
    ['30060201010201ff', 'r is fine, s is negative', /s is negative/],
    ['3006020100020101', 'zero r', /r is zero/],
    ['3106020101020101', 'a SET, not a SEQUENCE', /not a DER SEQUENCE/],
    ['3006030101020101', 'a BIT STRING for r', /r is not a DER INTEGER/],
    ['3007020101020101', 'a SEQUENCE longer than the data', /SEQUENCE length/],
    [`30260221${'01'}${'00'.repeat(32)}020101`, 'r of 33 bytes not starting with 0', /longer than 256 bits/],
  ])('%s: %s', (hex, _, problem) => {
    expect(ecdsaDerSignatureProblem(der(hex))).toMatch(problem);
  });
});
