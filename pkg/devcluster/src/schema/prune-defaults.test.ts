import { compileSchema, type JSONSchemaProps } from './index';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1 },
        mode: { type: 'string', default: 'auto' },
        config: {
          type: 'object',
          default: { retries: 3, bogus: true },
          properties: { retries: { type: 'integer' }, backoff: { type: 'string', default: '1s' } },
        },
        waves: {
          type: 'array',
          items: { type: 'object', properties: { name: { type: 'string' }, percent: { type: 'integer', default: 100 } } },
        },
        values: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'string', default: 'x' } } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: {} } } },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: {} } } },
        note: { type: 'string' },
        opt: { type: 'string', nullable: true },
      },
    },
  },
};

describe('compileSchema().prune', () => {
  test('drops unknown fields and reports them in dotted form', () => {
    const { object, unknownFields } = compileSchema(schema).prune({
      apiVersion: 'x.io/v1',
      kind: 'X',
      metadata: { name: 'a', labels: { k: 'v' }, bogus: 1 },
      spec: { bogus: 1, waves: [{ name: 'w', extra: 2 }], values: { k: { v: 'a', z: 1 } } },
      status: { s: 1 },
    });
    expect(object).toEqual({
      apiVersion: 'x.io/v1',
      kind: 'X',
      metadata: { name: 'a', labels: { k: 'v' } },
      spec: { waves: [{ name: 'w' }], values: { k: { v: 'a' } } },
    });
    expect(unknownFields.sort()).toEqual(['metadata.bogus', 'spec.bogus', 'spec.values.k.z', 'spec.waves[0].extra', 'status'].sort());
  });

  test('keeps unknown fields under preserve-unknown-fields but prunes inside known properties', () => {
    const { object, unknownFields } = compileSchema(schema).prune({ spec: { free: { anything: [1], known: { gone: 1 } } } });
    expect(object).toEqual({ spec: { free: { anything: [1], known: {} } } });
    expect(unknownFields).toEqual(['spec.free.known.gone']);
  });

  test('keeps apiVersion, kind and metadata of embedded resources', () => {
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { x: 1 }, other: 2 };
    const { object, unknownFields } = compileSchema(schema).prune({ spec: { template } });
    expect(object).toEqual({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } } });
    expect(unknownFields.sort()).toEqual(['spec.template.metadata.junk', 'spec.template.other', 'spec.template.spec.x']);
  });

  test('does not modify its input', () => {
    const input = { spec: { bogus: 1 } };
    compileSchema(schema).prune(input);
    expect(input).toEqual({ spec: { bogus: 1 } });
  });
});

describe('compileSchema().applyDefaults', () => {
  test('sets absent fields, recursing into defaults, items and map values', () => {
    const out = compileSchema(schema).applyDefaults({ spec: { mode: 'manual', waves: [{ name: 'a' }, { name: 'b', percent: 5 }], values: { k: {} } } });
    expect(out).toEqual({
      spec: {
        replicas: 1,
        mode: 'manual',
        config: { retries: 3, backoff: '1s' },
        waves: [{ name: 'a', percent: 100 }, { name: 'b', percent: 5 }],
        values: { k: { v: 'x' } },
      },
    });
  });

  test('a null of a non-nullable field with a default is defaulted', () => {
    expect(compileSchema(schema).applyDefaults({ spec: { replicas: null } })).toMatchObject({ spec: { replicas: 1 } });
  });

  test('a null of a non-nullable field without a default is dropped, a nullable one kept', () => {
    const out = compileSchema(schema).applyDefaults({ spec: { note: null, opt: null } }) as { spec: Record<string, unknown> };
    expect('note' in out.spec).toBe(false);
    expect(out.spec.opt).toBeNull();
  });

  test('nothing is defaulted where the parent is absent', () => {
    expect(compileSchema(schema).applyDefaults({ metadata: { name: 'a' } })).toEqual({ metadata: { name: 'a' } });
  });
});

describe('compileSchema().validate: embedded resources', () => {
  test('apiVersion and kind are required, the metadata name must be a path segment', () => {
    const causes = compileSchema(schema).validate({ spec: { template: { metadata: { name: 'a/b' }, spec: {} } } });
    expect(causes).toEqual([
      { reason: 'FieldValueRequired', field: 'spec.template.apiVersion', message: 'Required value: must not be empty' },
      { reason: 'FieldValueRequired', field: 'spec.template.kind', message: 'Required value: must not be empty' },
      { reason: 'FieldValueInvalid', field: 'spec.template.metadata.name', message: "Invalid value: \"a/b\": may not contain '/'" },
    ]);
  });

  test('a complete embedded resource is valid', () => {
    expect(compileSchema(schema).validate({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: {} } } })).toEqual([]);
  });
});
