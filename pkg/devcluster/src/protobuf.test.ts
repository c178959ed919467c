import { StatusError } from './errors';
import { decodeKubernetesProtobuf } from './protobuf';

// A tiny protobuf writer for building test messages (field numbers as in k8s.io/api generated.proto).
function varint(n: number): Buffer {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
}
const bytesField = (field: number, value: Buffer | string) => {
  const b = Buffer.isBuffer(value) ? value : Buffer.from(value, 'utf8');
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
};
const mapEntry = (field: number, key: string, value: Buffer | string) => bytesField(field, Buffer.concat([bytesField(1, key), bytesField(2, value)]));
const envelope = (apiVersion: string, kind: string, raw: Buffer) =>
  Buffer.concat([Buffer.from('k8s\0', 'binary'), bytesField(1, Buffer.concat([bytesField(1, apiVersion), bytesField(2, kind)])), bytesField(2, raw)]);

describe('decodeKubernetesProtobuf', () => {
  it('decodes a Secret as kubectl create secret sends it', () => {
    const meta = Buffer.concat([bytesField(1, 'creds'), bytesField(2, ''), bytesField(3, 'ns'), mapEntry(11, 'app', 'shop'), bytesField(14, 'f1')]);
    const secret = Buffer.concat([bytesField(1, meta), mapEntry(2, 'pw', Buffer.from('s3cret')), bytesField(3, 'Opaque')]);
    expect(decodeKubernetesProtobuf(envelope('v1', 'Secret', secret))).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds', namespace: 'ns', labels: { app: 'shop' }, finalizers: ['f1'] },
      data: { pw: Buffer.from('s3cret').toString('base64') },
      type: 'Opaque',
    });
  });

  it('answers 415 for kinds it cannot decode and 400 without the k8s prefix', () => {
    expect(() => decodeKubernetesProtobuf(envelope('v1', 'Pod', Buffer.alloc(0)))).toThrow(StatusError);
    try {
      decodeKubernetesProtobuf(envelope('v1', 'Pod', Buffer.alloc(0)));
    } catch (err) {
      expect((err as StatusError).code).toBe(415);
    }
    expect(() => decodeKubernetesProtobuf(Buffer.from('{}'))).toThrow('does not appear to be a protobuf message');
  });
});
