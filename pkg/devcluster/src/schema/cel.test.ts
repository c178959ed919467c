import type { StatusCause } from '../errors';
import { compileSchema, type JSONSchemaProps } from './index';

type Rules = JSONSchemaProps['x-kubernetes-validations'];

/** A CR schema whose `spec` has the given properties and rules. */
function crSchema(props: Record<string, JSONSchemaProps>, rules: Rules = [], specExtra: Partial<JSONSchemaProps> = {}): JSONSchemaProps {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { type: 'object' },
      spec: { type: 'object', properties: props, 'x-kubernetes-validations': rules, ...specExtra },
    },
  };
}

const cr = (spec: unknown, name = 'a') => ({ apiVersion: 'x.io/v1', kind: 'X', metadata: { name }, spec });

const props: Record<string, JSONSchemaProps> = {
  min: { type: 'integer' },
  max: { type: 'integer' },
  ratio: { type: 'number' },
  name: { type: 'string' },
  tags: { type: 'array', items: { type: 'string' } },
  labels: { type: 'object', additionalProperties: { type: 'string' } },
  'dashed-name': { type: 'string' },
  port: { 'x-kubernetes-int-or-string': true },
};

type Case = [sentence: string, rules: Rules, spec: unknown, expected: StatusCause[]];

const cases: Case[] = [
  ['a passing rule gives no cause', [{ rule: 'self.min <= self.max' }], { min: 1, max: 2 }, []],
  [
    'a failing rule without message says failed rule',
    [{ rule: 'self.min <= self.max' }],
    { min: 3, max: 2 },
    [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: failed rule: self.min <= self.max' }],
  ],
  [
    'a failing rule with message uses the message',
    [{ rule: 'self.min <= self.max', message: 'min must not exceed max' }],
    { min: 3, max: 2 },
    [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: min must not exceed max' }],
  ],
  [
    'messageExpression builds the message from self',
    [{ rule: 'self.min <= self.max', messageExpression: "'min ' + string(self.min) + ' exceeds max ' + string(self.max)" }],
    { min: 3, max: 2 },
    [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: min 3 exceeds max 2' }],
  ],
  [
    'reason FieldValueForbidden makes a Forbidden cause',
    [{ rule: '!has(self.name)', message: 'name is not allowed', reason: 'FieldValueForbidden' }],
    { name: 'x' },
    [{ reason: 'FieldValueForbidden', field: 'spec', message: 'Forbidden: name is not allowed' }],
  ],
  [
    'reason FieldValueRequired makes a Required cause',
    [{ rule: 'has(self.name)', message: 'name is required', reason: 'FieldValueRequired', fieldPath: '.name' }],
    {},
    [{ reason: 'FieldValueRequired', field: 'spec.name', message: 'Required value: name is required' }],
  ],
  [
    'reason FieldValueDuplicate shows only the type',
    [{ rule: 'self.tags.size() == 0', reason: 'FieldValueDuplicate' }],
    { tags: ['a'] },
    [{ reason: 'FieldValueDuplicate', field: 'spec', message: 'Duplicate value' }],
  ],
  [
    'fieldPath with a map key uses the key form',
    [{ rule: "!('bad' in self.labels)", fieldPath: ".labels['bad']" }],
    { labels: { bad: 'x' } },
    [{ reason: 'FieldValueInvalid', field: 'spec.labels[bad]', message: "Invalid value: failed rule: !('bad' in self.labels)" }],
  ],
  ['integers are CEL ints', [{ rule: 'self.min + 1 == 2 && type(self.min) == int' }], { min: 1 }, []],
  ['numbers are CEL doubles even when integral', [{ rule: 'type(self.ratio) == double && self.ratio == 2.0' }], { ratio: 2 }, []],
  ['int-or-string keeps its JSON type', [{ rule: 'type(self.port) == string' }], { port: '80%' }, []],
  ['string functions work', [{ rule: "self.name.startsWith('esp') && self.name.matches('^[a-z0-9-]+$') && self.name.lowerAscii() == self.name" }], { name: 'esp-32' }, []],
  ['list macros work', [{ rule: "self.tags.all(t, t.size() < 5) && self.tags.exists(t, t == 'a')" }], { tags: ['a', 'bb'] }, []],
  ['map macros iterate keys', [{ rule: "self.labels.all(k, k.startsWith('x'))" }], { labels: { xa: '1', xb: '2' } }, []],
  ['escaped property names are reachable', [{ rule: "self.dashed__dash__name == 'v'" }], { 'dashed-name': 'v' }, []],
  ['Kubernetes list functions work', [{ rule: '[1, 2, 3].isSorted() && [3, 1].max() == 3 && [1, 2].sum() == 3' }], {}, []],
  ['isURL checks URLs', [{ rule: "isURL('https://example.com/x') && !isURL('not a url')" }], {}, []],
  [
    'a missing field is an evaluation error naming the key',
    [{ rule: "self.name == 'x'" }],
    {},
    [{ reason: 'FieldValueInvalid', field: 'spec', message: "Invalid value: no such key: name evaluating rule: self.name == 'x'" }],
  ],
];

describe('CEL x-kubernetes-validations', () => {
  test.each(cases)('%s', (_sentence, rules, spec, expected) => {
    expect(compileSchema(crSchema(props, rules)).validate(cr(spec))).toEqual(expected);
  });

  test('rules on list items report the item index', () => {
    const schema = crSchema({
      waves: { type: 'array', items: { type: 'object', properties: { percent: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.percent > 0', message: 'percent must be positive' }] } },
    });
    expect(compileSchema(schema).validate(cr({ waves: [{ percent: 5 }, { percent: 0 }] }))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.waves[1]', message: 'Invalid value: percent must be positive' },
    ]);
  });

  test('rules on scalars see the scalar as self and report its type', () => {
    const schema = crSchema({ name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() <= 3' }] } });
    expect(compileSchema(schema).validate(cr({ name: 'toolong' }))).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.name', message: 'Invalid value: "toolong": failed rule: self.size() <= 3' },
    ]);
  });

  test('root rules see apiVersion, kind and metadata.name', () => {
    const schema: JSONSchemaProps = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { prefix: { type: 'string' } } } },
      'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith(self.spec.prefix) && self.kind == 'X'", message: 'name must start with the prefix' }],
    };
    const compiled = compileSchema(schema);
    expect(compiled.validate(cr({ prefix: 'a' }, 'abc'))).toEqual([]);
    expect(compiled.validate(cr({ prefix: 'z' }, 'abc'))).toEqual([
      { reason: 'FieldValueInvalid', field: '<nil>', message: 'Invalid value: name must start with the prefix' },
    ]);
  });

  test('rules are skipped for absent and null values', () => {
    const schema = crSchema({ name: { type: 'string', nullable: true, 'x-kubernetes-validations': [{ rule: 'false' }] } });
    expect(compileSchema(schema).validate(cr({}))).toEqual([]);
    expect(compileSchema(schema).validate(cr({ name: null }))).toEqual([]);
  });

  test('blocking schema errors skip CEL with the apiserver notice', () => {
    const schema = crSchema({ min: { type: 'integer' } }, [{ rule: 'false' }]);
    expect(compileSchema(schema).validate(cr({ min: 'x' }))).toEqual([
      { reason: 'FieldValueTypeInvalid', field: 'spec.min', message: 'Invalid value: "string": spec.min in body must be of type integer: "string"' },
      {
        reason: 'FieldValueInvalid',
        field: '<nil>',
        message: 'Invalid value: null: some validation rules were not checked because the object was invalid; correct the existing errors to complete validation',
      },
    ]);
  });

  test('non-blocking schema errors still run CEL', () => {
    const schema = crSchema({ min: { type: 'integer', minimum: 5 } }, [{ rule: 'false', message: 'never' }]);
    expect(compileSchema(schema).validate(cr({ min: 1 })).map((c) => c.message)).toEqual([
      'Invalid value: 1: spec.min in body should be greater than or equal to 5',
      'Invalid value: never',
    ]);
  });
});

describe('CEL transition rules', () => {
  const schema = crSchema({
    name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'name is immutable' }] },
    count: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= oldSelf', message: 'count may only grow' }] },
  });

  test('are not run on create', () => {
    expect(compileSchema(schema).validate(cr({ name: 'a', count: 1 }))).toEqual([]);
  });

  test('compare with the old value on update', () => {
    const causes = compileSchema(schema).validate(cr({ name: 'b', count: 0 }), cr({ name: 'a', count: 1 }));
    expect(causes).toEqual([
      { reason: 'FieldValueInvalid', field: 'spec.name', message: 'Invalid value: "b": name is immutable' },
      { reason: 'FieldValueInvalid', field: 'spec.count', message: 'Invalid value: 0: count may only grow' },
    ]);
  });

  test('are not run when the field is new on update', () => {
    expect(compileSchema(schema).validate(cr({ name: 'b' }), cr({}))).toEqual([]);
  });

  test('pass when the change is allowed', () => {
    expect(compileSchema(schema).validate(cr({ name: 'a', count: 5 }), cr({ name: 'a', count: 1 }))).toEqual([]);
  });
});

describe('CEL optionals', () => {
  const optionalCases: Case[] = [
    ['self.?field.orValue() falls back for an absent field', [{ rule: "self.?name.orValue('none') == 'none'" }], {}, []],
    ['self.?field.orValue() takes a present field', [{ rule: "self.?name.orValue('none') == 'x'" }], { name: 'x' }, []],
    ['map[?key] looks up optional map entries', [{ rule: "self.labels[?'app'].orValue('') == 'web' && !self.labels[?'zone'].hasValue()" }], { labels: { app: 'web' } }, []],
    ["'.?' inside string literals is left alone", [{ rule: "'a.?b' == 'a.?' + 'b'" }], {}, []],
    [
      'a failing optional rule still reports',
      [{ rule: 'self.?min.orValue(0) < 10', message: 'min too big' }],
      { min: 20 },
      [{ reason: 'FieldValueInvalid', field: 'spec', message: 'Invalid value: min too big' }],
    ],
  ];

  test.each(optionalCases)('%s', (_sentence, rules, spec, expected) => {
    expect(compileSchema(crSchema(props, rules)).validate(cr(spec))).toEqual(expected);
  });

  test('optionalOldSelf rules also run on create, with oldSelf absent', () => {
    const schema = crSchema({
      name: {
        type: 'string',
        'x-kubernetes-validations': [{ rule: "oldSelf.hasValue() ? oldSelf.value() == self : self.startsWith('esp')", optionalOldSelf: true, message: 'bad name' }],
      },
    });
    const compiled = compileSchema(schema);
    expect(compiled.validate(cr({ name: 'esp1' }))).toEqual([]);
    expect(compiled.validate(cr({ name: 'x' })).map((c) => c.message)).toEqual(['Invalid value: "x": bad name']);
    expect(compiled.validate(cr({ name: 'esp2' }), cr({ name: 'esp1' })).map((c) => c.message)).toEqual(['Invalid value: "esp2": bad name']);
  });
});

describe('CEL details', () => {
  test('a type mismatch at runtime is reported as an overload error', () => {
    const schema = crSchema({ port: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-validations': [{ rule: 'self > 0' }] } });
    expect(compileSchema(schema).validate(cr({ port: 'http' }))).toEqual([
      {
        reason: 'FieldValueInvalid',
        field: 'spec.port',
        message: "Invalid value: \"http\": 'no such overload': call arguments did not match a supported operator, function or macro signature for rule: self > 0",
      },
    ]);
  });

  test('rules inside allOf are evaluated against the node', () => {
    const schema = crSchema({ min: { type: 'integer' } }, [], { allOf: [{ 'x-kubernetes-validations': [{ rule: 'self.min > 0', message: 'min must be positive' }] }] });
    expect(compileSchema(schema).validate(cr({ min: 0 })).map((c) => c.message)).toEqual(['Invalid value: min must be positive']);
  });

  test('failures of unchanged values are ratcheted, transition rules are not', () => {
    const schema = crSchema({
      name: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 3', message: 'short' }, { rule: 'self == oldSelf', message: 'immutable' }] },
      other: { type: 'string' },
    });
    const compiled = compileSchema(schema);
    expect(compiled.validate(cr({ name: 'long', other: 'b' }), cr({ name: 'long', other: 'a' }))).toEqual([]);
    expect(compiled.validate(cr({ name: 'longer' }), cr({ name: 'long' })).map((c) => c.message)).toEqual([
      'Invalid value: "longer": short',
      'Invalid value: "longer": immutable',
    ]);
  });

  test('items of atomic lists are ratcheted with their unchanged list', () => {
    const schema = crSchema({ tags: { type: 'array', items: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self.size() < 3' }] } }, other: { type: 'string' } });
    const compiled = compileSchema(schema);
    expect(compiled.validate(cr({ tags: ['long'], other: 'b' }), cr({ tags: ['long'], other: 'a' }))).toEqual([]);
    expect(compiled.validate(cr({ tags: ['long', 'x'] }), cr({ tags: ['long'] })).map((c) => c.field)).toEqual(['spec.tags[0]']);
  });
});

describe('CEL values of formatted strings', () => {
  const formats = crSchema({
    at: { type: 'string', format: 'date-time' },
    day: { type: 'string', format: 'date' },
    every: { type: 'string', format: 'duration' },
    blob: { type: 'string', format: 'byte' },
  });
  const formatCases: [string, string, Record<string, unknown>][] = [
    ['date-time strings are timestamps', "self.at < timestamp('2030-01-01T00:00:00Z') && self.at.getFullYear() == 2024", { at: '2024-05-01T10:00:00.5Z' }],
    ['date strings are timestamps at midnight UTC', "self.day == timestamp('2024-05-01T00:00:00Z')", { day: '2024-05-01' }],
    ['duration strings are durations', "self.every == duration('90m') && self.every > duration('1h')", { every: '1h30m' }],
    ['byte strings are bytes', "self.blob == b'hi'", { blob: 'aGk=' }],
  ];

  test.each(formatCases)('%s', (_sentence, rule, spec) => {
    const schema = { ...formats, properties: { ...formats.properties, spec: { ...formats.properties?.spec, 'x-kubernetes-validations': [{ rule }] } } };
    expect(compileSchema(schema).validate(cr(spec))).toEqual([]);
    const failing = { ...formats, properties: { ...formats.properties, spec: { ...formats.properties?.spec, 'x-kubernetes-validations': [{ rule: `!(${rule})` }] } } };
    expect(compileSchema(failing).validate(cr(spec))).toHaveLength(1);
  });
});
