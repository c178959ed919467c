import type { V1Secret } from '@kubernetes/client-node';
import { shrinkConfigSecret, shrinkInputSecret } from './caches';

const secret = (type: string | undefined, data: Record<string, string>): V1Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  type,
  metadata: { name: 's', namespace: 'ns', resourceVersion: '7', labels: { a: 'b' }, annotations: { 'kubeflash.dev/config-hash': 'h' } },
  data,
});

describe('cache transforms', () => {
  const cases: [string, V1Secret, Record<string, string>][] = [
    ['a config Secret keeps only its credentials', secret('Opaque', { 'config.bin': 'AAAA', 'config.csv': 'BBBB', mqtt_password: 'cA==', 'nvs_keys.bin': 'aw==' }), { mqtt_password: 'cA==', 'nvs_keys.bin': 'aw==' }],
    ['a config Secret without NVS keys keeps the password only', secret('Opaque', { 'config.bin': 'AAAA', mqtt_password: 'cA==' }), { mqtt_password: 'cA==' }],
  ];
  it.each(cases)('%s, with its metadata', (_s, input, data) => {
    const shrunk = shrinkConfigSecret(input);
    expect(shrunk.data).toEqual(data);
    expect(shrunk.metadata).toMatchObject({ resourceVersion: '7', labels: { a: 'b' }, annotations: { 'kubeflash.dev/config-hash': 'h' } });
  });

  const inputs: [string, V1Secret, Record<string, string>][] = [
    ['an Opaque Secret keeps its data', secret('Opaque', { wifi: 'eA==' }), { wifi: 'eA==' }],
    ['a Secret without a type keeps its data', secret(undefined, { wifi: 'eA==' }), { wifi: 'eA==' }],
    ['a Helm release drops its data', secret('helm.sh/release.v1', { release: 'H4sI' }), {}],
  ];
  it.each(inputs)('%s', (_s, input, data) => {
    expect(shrinkInputSecret(input).data).toEqual(data);
  });
});
