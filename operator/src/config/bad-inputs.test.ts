import type { KubernetesObject } from '@kubernetes/client-node';
import { readManifestDir } from '../kube/manifests';
import { examplesDir } from '../paths';
import { buildSigningKeySecret, generateSigningKey } from '../artifacts/signing';
import { BAD_INPUT_CASES } from './bad-inputs.fixture';
import { renderFleet } from './fleet';

let fleet: KubernetesObject[];
beforeAll(async () => {
  // With the namespace's signing key, as on a cluster (its public key is every device's ota_pubkey).
  fleet = [...(await readManifestDir(examplesDir)).map((m) => m.object), buildSigningKeySecret('kubeflash-demo', generateSigningKey()) as KubernetesObject];
});

describe('invalid configurations', () => {
  it('has at least 15 distinct cases with distinct messages', () => {
    expect(BAD_INPUT_CASES.length).toBeGreaterThanOrEqual(15);
    expect(new Set(BAD_INPUT_CASES.map((c) => c.message)).size).toBe(BAD_INPUT_CASES.length);
  });

  it.each(BAD_INPUT_CASES.map((c) => [c.sentence, c] as const))('%s', (_sentence, c) => {
    const objects = JSON.parse(JSON.stringify(fleet)) as Parameters<typeof c.mutate>[0];
    c.mutate(objects);
    const result = renderFleet(objects).find((r) => r.name === c.device);
    expect(result?.outcome).toMatchObject({ ok: false, reason: c.reason, message: c.message });
    // Secret values never appear in the message.
    expect(result?.outcome.ok === false && result.outcome.message).not.toMatch(/example-only|garage-iot-example|spoofed/);
  });
});
