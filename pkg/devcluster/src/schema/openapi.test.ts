import type { StatusCause } from '../errors';
import { compileSchema, type JSONSchemaProps } from './index';

/** A CR schema with `spec` built from the given property schemas. */
function crSchema(spec: Record<string, JSONSchemaProps>, extra: Partial<JSONSchemaProps> = {}): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties: spec, ...extra },
    },
  };
}

const cr = (spec: unknown) => ({ apiVersion: 'x.io/v1', kind: 'X', metadata: { name: 'a' }, spec });

type Case = [sentence: string, spec: Record<string, JSONSchemaProps>, value: unknown, expected: StatusCause[]];

const cases: Case[] = [
  [
    'a wrong type names the expected type and the actual one',
    { x: { type: 'integer' } },
    { x: 'abc' },
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.x', message: 'Invalid value: "string": spec.x in body must be of type integer: "string"' }],
  ],
  [
    'a float is not an integer',
    { x: { type: 'integer' } },
    { x: 1.5 },
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.x', message: 'Invalid value: "number": spec.x in body must be of type integer: "number"' }],
  ],
  ['an integer is a number', { x: { type: 'number' } }, { x: 3 }, []],
  [
    'null is rejected unless nullable',
    { x: { type: 'object' } },
    { x: null },
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.x', message: 'Invalid value: "null": spec.x in body must be of type object: "null"' }],
  ],
  ['null is accepted when nullable', { x: { type: 'object', nullable: true } }, { x: null }, []],
  [
    'int-or-string accepts neither booleans',
    { x: { 'x-kubernetes-int-or-string': true } },
    { x: true },
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.x', message: 'Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"' }],
  ],
  ['int-or-string accepts strings', { x: { 'x-kubernetes-int-or-string': true } }, { x: '50%' }, []],
  [
    'a missing required field is a Required value',
    { x: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
    { x: {} },
    [{ reason: 'FieldValueRequired', field: 'spec.x.name', message: 'Required value' }],
  ],
  [
    'a value outside the enum lists the supported values',
    { mode: { type: 'string', enum: ['a', 'b'] } },
    { mode: 'c' },
    [{ reason: 'FieldValueNotSupported', field: 'spec.mode', message: 'Unsupported value: "c": supported values: "a", "b"' }],
  ],
  [
    'numeric enum values are JSON-quoted',
    { n: { type: 'integer', enum: [1, 2] } },
    { n: 3 },
    [{ reason: 'FieldValueNotSupported', field: 'spec.n', message: 'Unsupported value: 3: supported values: "1", "2"' }],
  ],
  [
    'maxLength is Too long without the value',
    { s: { type: 'string', maxLength: 3 } },
    { s: 'abcd' },
    [{ reason: 'FieldValueTooLong', field: 'spec.s', message: 'Too long: may not be more than 3 bytes' }],
  ],
  ['maxLength counts characters, not bytes', { s: { type: 'string', maxLength: 3 } }, { s: 'äöü' }, []],
  [
    'minLength is an Invalid value in chars',
    { s: { type: 'string', minLength: 3 } },
    { s: 'ab' },
    [{ reason: 'FieldValueInvalid', field: 'spec.s', message: 'Invalid value: "ab": spec.s in body should be at least 3 chars long' }],
  ],
  [
    'a pattern mismatch quotes the pattern',
    { s: { type: 'string', pattern: '^[a-z]+$' } },
    { s: 'ABC' },
    [{ reason: 'FieldValueInvalid', field: 'spec.s', message: "Invalid value: \"ABC\": spec.s in body should match '^[a-z]+$'" }],
  ],
  [
    'minimum is inclusive',
    { n: { type: 'integer', minimum: 0 } },
    { n: -1 },
    [{ reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: -1: spec.n in body should be greater than or equal to 0' }],
  ],
  [
    'maximum is inclusive',
    { n: { type: 'integer', maximum: 100 } },
    { n: 101 },
    [{ reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 101: spec.n in body should be less than or equal to 100' }],
  ],
  ['the maximum itself is allowed', { n: { type: 'integer', maximum: 100 } }, { n: 100 }, []],
  [
    'exclusiveMinimum rejects the bound',
    { n: { type: 'number', minimum: 0.5, exclusiveMinimum: true } },
    { n: 0.5 },
    [{ reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 0.5: spec.n in body should be greater than 0.5' }],
  ],
  [
    'exclusiveMaximum rejects the bound',
    { n: { type: 'integer', maximum: 10, exclusiveMaximum: true } },
    { n: 10 },
    [{ reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 10: spec.n in body should be less than 10' }],
  ],
  [
    'multipleOf names the factor',
    { n: { type: 'integer', multipleOf: 5 } },
    { n: 7 },
    [{ reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 7: spec.n in body should be a multiple of 5' }],
  ],
  [
    'maxItems is Too many with the count',
    { l: { type: 'array', maxItems: 2, items: { type: 'string' } } },
    { l: ['a', 'b', 'c'] },
    [{ reason: 'FieldValueTooMany', field: 'spec.l', message: 'Too many: 3: must have at most 2 items' }],
  ],
  [
    'maxItems of one still says items',
    { l: { type: 'array', maxItems: 1, items: { type: 'string' } } },
    { l: ['a', 'b'] },
    [{ reason: 'FieldValueTooMany', field: 'spec.l', message: 'Too many: 2: must have at most 1 items' }],
  ],
  [
    'minItems is an Invalid value with the count',
    { l: { type: 'array', minItems: 2, items: { type: 'string' } } },
    { l: ['a'] },
    [{ reason: 'FieldValueInvalid', field: 'spec.l', message: 'Invalid value: 1: spec.l in body should have at least 2 items' }],
  ],
  [
    'list items are addressed by index',
    { waves: { type: 'array', items: { type: 'object', properties: { percent: { type: 'integer', maximum: 100 } } } } },
    { waves: [{ percent: 10 }, { percent: 200 }] },
    [{ reason: 'FieldValueInvalid', field: 'spec.waves[1].percent', message: 'Invalid value: 200: spec.waves[1].percent in body should be less than or equal to 100' }],
  ],
  [
    'map entries are addressed with a dot',
    { values: { type: 'object', additionalProperties: { type: 'string', maxLength: 2 } } },
    { values: { wifi_ssid: 'long' } },
    [{ reason: 'FieldValueTooLong', field: 'spec.values.wifi_ssid', message: 'Too long: may not be more than 2 bytes' }],
  ],
  [
    'maxProperties is Too many',
    { m: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } } },
    { m: { a: 'x', b: 'y' } },
    [{ reason: 'FieldValueTooMany', field: 'spec.m', message: 'Too many: 2: must have at most 1 items' }],
  ],
  [
    'minProperties is an Invalid value',
    { m: { type: 'object', minProperties: 2, additionalProperties: { type: 'string' } } },
    { m: { a: 'x' } },
    [{ reason: 'FieldValueInvalid', field: 'spec.m', message: 'Invalid value: 1: spec.m in body should have at least 2 properties' }],
  ],
  [
    'a bad date-time is a type error naming the format',
    { t: { type: 'string', format: 'date-time' } },
    { t: 'yesterday' },
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.t', message: 'Invalid value: "yesterday": spec.t in body must be of type date-time: "yesterday"' }],
  ],
  ['a good date-time passes', { t: { type: 'string', format: 'date-time' } }, { t: '2024-02-29T10:00:00Z' }, []],
  [
    'a bad uuid is a type error',
    { u: { type: 'string', format: 'uuid' } },
    { u: 'nope' },
    [{ reason: 'FieldValueTypeInvalid', field: 'spec.u', message: 'Invalid value: "nope": spec.u in body must be of type uuid: "nope"' }],
  ],
  [
    'int32 values must fit 32 bits',
    { n: { type: 'integer', format: 'int32' } },
    { n: 2147483648 },
    [{ reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": Checked value must be of type integer with format int32 in spec.n' }],
  ],
  ['int64 values are not range-checked', { n: { type: 'integer', format: 'int64' } }, { n: 2147483648 }, []],
  ['unknown formats are not checked', { u: { type: 'string', format: 'wifi-ssid' } }, { u: '' }, []],
  [
    'anyOf failure lands on the nil field with the best alternative errors',
    { n: { type: 'integer', anyOf: [{ minimum: 10 }, { maximum: 2 }] } },
    { n: 5 },
    [
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.n" must validate at least one schema (anyOf)' },
      { reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 5: spec.n in body should be greater than or equal to 10' },
    ],
  ],
  [
    'oneOf with two matches is rejected',
    { n: { type: 'integer', oneOf: [{ minimum: 1 }, { maximum: 10 }] } },
    { n: 5 },
    [{ reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.n" must validate one and only one schema (oneOf). Found 2 valid alternatives' }],
  ],
  [
    'not rejects a matching value',
    { s: { type: 'string', not: { enum: ['forbidden'] } } },
    { s: 'forbidden' },
    [{ reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.s" must not validate the schema (not)' }],
  ],
  [
    'set lists reject duplicates once, at the second occurrence',
    { tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } } },
    { tags: ['a', 'b', 'a', 'a'] },
    [{ reason: 'FieldValueDuplicate', field: 'spec.tags[2]', message: 'Duplicate value: "a"' }],
  ],
  [
    'map lists reject duplicate keys with the key map as value',
    {
      ports: {
        type: 'array',
        'x-kubernetes-list-type': 'map',
        'x-kubernetes-list-map-keys': ['name'],
        items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
      },
    },
    { ports: [{ name: 'http', port: 80 }, { name: 'http', port: 81 }] },
    [{ reason: 'FieldValueDuplicate', field: 'spec.ports[1]', message: 'Duplicate value: {"name":"http"}' }],
  ],
];

describe('compileSchema().validate: OpenAPI keywords', () => {
  test.each(cases)('%s', (_sentence, spec, value, expected) => {
    expect(compileSchema(crSchema(spec)).validate(cr(value))).toEqual(expected);
  });

  test('a required top-level field is reported by its own name', () => {
    const schema: JSONSchemaProps = { type: 'object', required: ['spec'], properties: { spec: { type: 'object' } } };
    expect(compileSchema(schema).validate({ apiVersion: 'x.io/v1', kind: 'X', metadata: {} })).toEqual([
      { reason: 'FieldValueRequired', field: 'spec', message: 'Required value' },
    ]);
  });

  test('errors come in schema property order, every one reported', () => {
    const causes = compileSchema(crSchema({ a: { type: 'string' }, b: { type: 'integer', minimum: 1 } })).validate(cr({ b: 0, a: 1 }));
    expect(causes.map((c) => c.field)).toEqual(['spec.a', 'spec.b']);
  });
});

describe('compileSchema().validate: ratcheting on update', () => {
  const schema = crSchema({ s: { type: 'string', maxLength: 3 }, n: { type: 'integer', maximum: 5 } });

  test('an unchanged invalid field is tolerated', () => {
    const old = cr({ s: 'toolong', n: 1 });
    expect(compileSchema(schema).validate(cr({ s: 'toolong', n: 2 }), old)).toEqual([]);
  });

  test('a changed invalid field is reported', () => {
    const old = cr({ s: 'ok', n: 1 });
    expect(compileSchema(schema).validate(cr({ s: 'toolong', n: 1 }), old).map((c) => c.field)).toEqual(['spec.s']);
  });
});

describe('compileSchema().validate: allOf', () => {
  test('allOf reports the failing alternative, then the composite error', () => {
    const spec = { n: { type: 'integer', allOf: [{ minimum: 1 }, { maximum: 3 }] } as JSONSchemaProps };
    expect(compileSchema(crSchema(spec)).validate(cr({ n: 5 }))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.n', message: 'Invalid value: 5: spec.n in body should be less than or equal to 3' },
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: "": "spec.n" must validate all the schemas (allOf)' },
    ]);
  });

  test('allOf with no valid alternative says None validated', () => {
    const spec = { n: { type: 'integer', allOf: [{ minimum: 10 }, { maximum: 3 }] } as JSONSchemaProps };
    expect(compileSchema(crSchema(spec)).validate(cr({ n: 5 })).map((c) => c.message).pop()).toBe(
      'Invalid value: "": "spec.n" must validate all the schemas (allOf). None validated',
    );
  });
});
