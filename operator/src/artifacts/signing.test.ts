import { spawnSync } from 'node:child_process';
import { createPublicKey, createVerify, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ecdsaDerSignatureProblem } from '@kubeflash/protocol';
import { SIGNING_PRIVATE_KEY, SIGNING_PUBLIC_KEY, SigningKeyError, buildSigningKeySecret, generateSigningKey, signBytes, signFile, signingKeyFromSecret } from './signing';

const golden = (file: string): Buffer => readFileSync(fileURLToPath(new URL(`../../../pkg/protocol/vectors/ota-signature/${file}`, import.meta.url)));

function requireOpenssl(): void {
  const r = spawnSync('openssl', ['version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error('openssl is required for this suite but is missing');
}

describe('firmware signing', () => {
  let dir: string;
  beforeAll(() => {
    requireOpenssl();
    dir = mkdtempSync(join(tmpdir(), 'kubeflash-signing-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('signs the whole file so that `openssl dgst -sha256 -verify` with ota_pubkey accepts it', async () => {
    const key = generateSigningKey();
    const image = join(dir, 'app.bin');
    writeFileSync(image, randomBytes(3 * 1024 * 1024 + 17));
    const signature = await signFile(key, image);
    writeFileSync(join(dir, 'app.sig'), Buffer.from(signature.value, 'base64'));
    writeFileSync(join(dir, 'ota_pubkey.der'), key.publicKeyDer);
    const pem = spawnSync('openssl', ['pkey', '-pubin', '-inform', 'DER', '-in', join(dir, 'ota_pubkey.der'), '-out', join(dir, 'pub.pem')], { encoding: 'utf8' });
    expect(pem.status).toBe(0);
    const verify = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'app.sig'), image], { encoding: 'utf8' });
    expect(verify.stdout.trim()).toBe('Verified OK');

    writeFileSync(image, Buffer.concat([readFileSync(image).subarray(0, -1), Buffer.from([0])]));
    const tampered = spawnSync('openssl', ['dgst', '-sha256', '-verify', join(dir, 'pub.pem'), '-signature', join(dir, 'app.sig'), image], { encoding: 'utf8' });
    expect(tampered.stdout.trim()).toBe('Verification failure');
  });

  it('makes signatures of the golden format: well-formed DER ECDSA-Sig-Value, key id = SHA-256 of the 91-byte SPKI', () => {
    const key = generateSigningKey();
    expect(key.publicKeyDer).toHaveLength(golden('ota_pubkey.der').length);
    expect(key.publicKeyDer.subarray(0, 26)).toEqual(new Uint8Array(golden('ota_pubkey.der').subarray(0, 26)));
    for (let i = 0; i < 20; i++) {
      const signature = signBytes(key, golden('image.bin'));
      expect(ecdsaDerSignatureProblem(Buffer.from(signature.value, 'base64'))).toBeUndefined();
      expect(signature.algorithm).toBe('ECDSA-P256-SHA256');
    }
    // The golden triple verifies the same way our signatures are checked.
    const verifier = createVerify('SHA256').update(golden('image.bin'));
    expect(verifier.verify(createPublicKey({ key: golden('ota_pubkey.der'), format: 'der', type: 'spki' }), golden('image.sig'))).toBe(true);
  });

  it('round-trips the key through its Secret and refuses a Secret whose halves do not match', () => {
    const key = generateSigningKey();
    const secret = buildSigningKeySecret('home', key);
    expect(signingKeyFromSecret(secret).keyId).toBe(key.keyId);
    const other = buildSigningKeySecret('home', generateSigningKey());
    const mixed = { ...secret, data: { ...secret.data, [SIGNING_PUBLIC_KEY]: other.data?.[SIGNING_PUBLIC_KEY] ?? '' } };
    expect(() => signingKeyFromSecret(mixed)).toThrow(new SigningKeyError(`Secret home/kubeflash-firmware-signing-key: ${SIGNING_PUBLIC_KEY} is not the public half of ${SIGNING_PRIVATE_KEY}`));
    const broken = { ...secret, data: { [SIGNING_PRIVATE_KEY]: Buffer.from('not a key').toString('base64') } };
    expect(() => signingKeyFromSecret(broken)).toThrow(`Secret home/kubeflash-firmware-signing-key: ${SIGNING_PRIVATE_KEY} is not a PEM private key`);
  });
});
