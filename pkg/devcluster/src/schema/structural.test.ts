import { checkCrdSchema, type JSONSchemaProps } from './index';

const base = 'spec.versions[0].schema.openAPIV3Schema';
const withSpec = (spec: JSONSchemaProps): JSONSchemaProps => ({ type: 'object', properties: { spec } });

type Case = [sentence: string, schema: JSONSchemaProps, fields: string[], messageContains: string];

const cases: Case[] = [
  ['a good schema passes', withSpec({ type: 'object', properties: { a: { type: 'string', pattern: '^a', default: 'ab' } } }), [], ''],
  ['the root must be an object', { type: 'string' }, [`${base}.type`], 'must be object at the root'],
  [
    'a property without type is not structural',
    withSpec({ type: 'object', properties: { a: { description: 'x' } } }),
    [`${base}.properties[spec].properties[a].type`],
    'Required value: must not be empty for specified object fields',
  ],
  ['preserve-unknown-fields may omit the type', withSpec({ 'x-kubernetes-preserve-unknown-fields': true }), [], ''],
  ['int-or-string must not have a type', withSpec({ type: 'object', properties: { p: { type: 'string', 'x-kubernetes-int-or-string': true } } }), [`${base}.properties[spec].properties[p].type`], 'must be empty if x-kubernetes-int-or-string is true'],
  ['arrays need items', withSpec({ type: 'object', properties: { l: { type: 'array' } } }), [`${base}.properties[spec].properties[l].items`], 'Required value: must be specified'],
  [
    'uniqueItems is forbidden',
    withSpec({ type: 'object', properties: { l: { type: 'array', uniqueItems: true, items: { type: 'string' } } } }),
    [`${base}.properties[spec].properties[l].uniqueItems`],
    'Forbidden: uniqueItems cannot be set to true',
  ],
  [
    'properties and additionalProperties exclude each other',
    withSpec({ type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } }),
    [`${base}.properties[spec].additionalProperties`],
    'additionalProperties and properties are mutual exclusive',
  ],
  [
    'metadata may only restrict name and generateName',
    { type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } },
    [`${base}.properties[metadata]`],
    'must not specify anything other than name and generateName',
  ],
  [
    'value validations must not declare types',
    withSpec({ type: 'object', anyOf: [{ type: 'object' }] }),
    [`${base}.properties[spec].anyOf[0].type`],
    'must be empty to be structural',
  ],
  [
    'list-type map needs keys',
    withSpec({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object' } } } }),
    [`${base}.properties[spec].properties[l].x-kubernetes-list-map-keys`],
    'must not be empty if x-kubernetes-list-type is map',
  ],
  [
    'list-type map keys must be required or defaulted',
    withSpec({
      type: 'object',
      properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } } },
    }),
    [`${base}.properties[spec].properties[l].items.properties[name].default`],
    'Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
  ],
  [
    'defaults must match their schema',
    withSpec({ type: 'object', properties: { n: { type: 'integer', default: 'x' } } }),
    [`${base}.properties[spec].properties[n].default`],
    'must be of type integer',
  ],
  [
    'defaults must not carry unknown fields',
    withSpec({ type: 'object', properties: { o: { type: 'object', properties: { a: { type: 'string' } }, default: { b: 1 } } } }),
    [`${base}.properties[spec].properties[o].default`],
    'must not have unknown fields',
  ],
  [
    'a CEL rule with a syntax error makes the CRD invalid',
    withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.a ==' }], properties: { a: { type: 'string' } } }),
    [`${base}.properties[spec].x-kubernetes-validations[0].rule`],
    'compilation failed: ERROR: <input>:1:',
  ],
  [
    'a CEL rule selecting an undeclared field makes the CRD invalid',
    withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'self.nope == 1' }], properties: { a: { type: 'string' } } }),
    [`${base}.properties[spec].x-kubernetes-validations[0].rule`],
    "undefined field 'nope'",
  ],
  [
    'a CEL rule with an unknown reason is rejected',
    withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'true', reason: 'Bogus' }] }),
    [`${base}.properties[spec].x-kubernetes-validations[0].reason`],
    'Unsupported value: "Bogus"',
  ],
  [
    'a CEL message must be one line',
    withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'true', message: 'a\nb' }] }),
    [`${base}.properties[spec].x-kubernetes-validations[0].message`],
    'message must not contain line breaks',
  ],
];

describe('checkCrdSchema', () => {
  test.each(cases)('%s', (_sentence, schema, fields, messageContains) => {
    const causes = checkCrdSchema(schema);
    expect(causes.map((c) => c.field)).toEqual(fields);
    if (messageContains) expect(causes[0].message).toContain(messageContains);
  });

  test('the base path can be chosen by the caller', () => {
    expect(checkCrdSchema({ type: 'string' }, 'spec.versions[2].schema.openAPIV3Schema')[0].field).toBe('spec.versions[2].schema.openAPIV3Schema.type');
  });

  test('the compile error names the rule like the API server prints it', () => {
    const [cause] = checkCrdSchema(withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: '1 +' }] }));
    expect(cause.message).toMatch(/^Invalid value: apiextensions\.ValidationRule\{Rule:"1 \+", Message:"", .*\}: compilation failed: ERROR: /);
  });
});

describe('checkCrdSchema on the int-or-string pattern of controller-gen', () => {
  test('anyOf integer/string is allowed beside x-kubernetes-int-or-string', () => {
    const schema = withSpec({
      type: 'object',
      properties: { max: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }], pattern: '^[0-9]+%$' } },
    });
    expect(checkCrdSchema(schema)).toEqual([]);
  });

  test('anyOf with types is still rejected without x-kubernetes-int-or-string', () => {
    const schema = withSpec({ type: 'object', properties: { max: { type: 'string', anyOf: [{ type: 'integer' }, { type: 'string' }] } } });
    expect(checkCrdSchema(schema).map((c) => c.field)).toEqual([
      `${base}.properties[spec].properties[max].anyOf[0].type`,
      `${base}.properties[spec].properties[max].anyOf[1].type`,
    ]);
  });
});

describe('checkCrdSchema structural invariants', () => {
  const more: Case[] = [
    [
      'list items without type name the array items',
      withSpec({ type: 'object', properties: { l: { type: 'array', items: { description: 'x' } } } }),
      [`${base}.properties[spec].properties[l].items.type`],
      'Required value: must not be empty for specified array items',
    ],
    ['additionalProperties is not allowed at the root', { type: 'object', additionalProperties: { type: 'string' } }, [`${base}.additionalProperties`], 'must not be used at the root'],
    [
      'value validations must not describe fields',
      withSpec({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ description: 'x', required: ['a'] }] }),
      [`${base}.properties[spec].anyOf[0].description`],
      'Forbidden: must be empty to be structural',
    ],
    [
      'value validations must not mention metadata',
      withSpec({ type: 'object', properties: { a: { type: 'string' } }, anyOf: [{ properties: { metadata: { required: ['name'] } } }] }),
      [`${base}.properties[spec].anyOf[0].properties[metadata]`],
      'must not be specified in a nested context',
    ],
    [
      'kind at the root must be a string',
      { type: 'object', properties: { kind: { type: 'integer' } } },
      [`${base}.properties[kind].type`],
      'Invalid value: "integer": must be string',
    ],
    [
      'embedded resources must be objects with properties or preserve-unknown-fields',
      withSpec({ type: 'object', properties: { t: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } } }),
      [`${base}.properties[spec].properties[t].type`],
      'Required value: must be object if x-kubernetes-embedded-resource is true',
    ],
    ['$ref is not supported', withSpec({ type: 'object', properties: { r: { type: 'object', $ref: '#/definitions/x' } as JSONSchemaProps } }), [`${base}.properties[spec].properties[r].$ref`], '$ref is not supported'],
    [
      'structural errors come sorted like the API server sorts them',
      withSpec({ type: 'object', properties: { z: { description: 'z' }, a: { description: 'a' } } }),
      [`${base}.properties[spec].properties[a].type`, `${base}.properties[spec].properties[z].type`],
      'must not be empty for specified object fields',
    ],
  ];

  test.each(more)('%s', (_sentence, schema, fields, messageContains) => {
    const causes = checkCrdSchema(schema);
    expect(causes.map((c) => c.field)).toEqual(fields);
    expect(causes[0].message).toContain(messageContains);
  });
});

describe('checkCrdSchema rule fieldPath', () => {
  const schema = (fieldPath: string) =>
    withSpec({
      type: 'object',
      properties: { a: { type: 'string' }, m: { type: 'object', additionalProperties: { type: 'string' } } },
      'x-kubernetes-validations': [{ rule: 'true', fieldPath }],
    });

  test.each([['.a'], [".m['x.y']"], ['.m.k']])('%s is a valid fieldPath', (fieldPath) => {
    expect(checkCrdSchema(schema(fieldPath))).toEqual([]);
  });

  test.each([['.nope'], ['.a.b'], ['.m[0]'], ['a']])('%s is not a valid fieldPath', (fieldPath) => {
    expect(checkCrdSchema(schema(fieldPath)).map((c) => c.field)).toEqual([`${base}.properties[spec].x-kubernetes-validations[0].fieldPath`]);
  });
});

describe('checkCrdSchema API validation', () => {
  const api: Case[] = [
    ['nullable is not allowed at the root', { type: 'object', nullable: true }, [`${base}.nullable`], 'Forbidden: nullable cannot be true at the root'],
    [
      'defaults are not allowed in top-level metadata',
      { type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', default: 'x' } } } } },
      [`${base}.properties[metadata].properties[name].default`],
      'Forbidden: must not be set in top-level metadata',
    ],
    ['type null is rejected', withSpec({ type: 'object', properties: { n: { type: 'null' as 'string' } } }), [`${base}.properties[spec].properties[n].type`, `${base}.properties[spec].properties[n].type`], 'Unsupported value: "null": supported values: "array", "boolean", "integer", "number", "object", "string"'],
    [
      'list-map-keys need list-type map',
      withSpec({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-map-keys': ['a'], items: { type: 'object', properties: { a: { type: 'string' } } } } } }),
      [`${base}.properties[spec].properties[l].x-kubernetes-list-type`],
      'Required value: must be map if x-kubernetes-list-map-keys is non-empty',
    ],
    [
      'set items that are objects must be atomic maps',
      withSpec({ type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'object', properties: { a: { type: 'string' } } } } } }),
      [`${base}.properties[spec].properties[l].items.x-kubernetes-map-type`],
      'Invalid value: null: must be atomic as item of a list with x-kubernetes-list-type=set',
    ],
    [
      'list-type on a non-array wants an array',
      withSpec({ type: 'object', properties: { l: { type: 'string', 'x-kubernetes-list-type': 'atomic' } } }),
      [`${base}.properties[spec].properties[l].type`],
      'Invalid value: "string": must be array if x-kubernetes-list-type is specified',
    ],
    ['a rule must not be empty', withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: ' ' }] }), [`${base}.properties[spec].x-kubernetes-validations[0].rule`], 'Required value: rule is not specified'],
    [
      'a multi-line rule needs a message',
      withSpec({ type: 'object', 'x-kubernetes-validations': [{ rule: 'true &&\ntrue' }] }),
      [`${base}.properties[spec].x-kubernetes-validations[0].message`],
      'Required value: message must be specified if rule contains line breaks',
    ],
    [
      'defaults are checked only once the schema is structural',
      withSpec({ type: 'object', properties: { n: { type: 'integer', default: 'x' }, t: { description: 'no type' } } }),
      [`${base}.properties[spec].properties[t].type`],
      'must not be empty for specified object fields',
    ],
  ];

  test.each(api)('%s', (_sentence, schema, fields, messageContains) => {
    const causes = checkCrdSchema(schema);
    expect(causes.map((c) => c.field)).toEqual(fields);
    expect(causes[0].message).toContain(messageContains);
  });
});

describe('checkCrdSchema CEL type checks', () => {
  const typed = (rule: string) =>
    withSpec({
      type: 'object',
      properties: { replicas: { type: 'integer' }, name: { type: 'string' }, ratio: { type: 'number' }, on: { type: 'boolean' }, port: { 'x-kubernetes-int-or-string': true } },
      'x-kubernetes-validations': [{ rule }],
    });

  test.each([
    ["self.replicas > 'a'", "found no matching overload for '_>_' applied to '(int, string)'", '1:15'],
    ["self.name == 1", "found no matching overload for '_==_' applied to '(string, int)'", '1:11'],
    ['self.on && self.replicas', "found no matching overload for '_&&_' applied to '(bool, int)'", '1:9'],
    ["self.name + 1 == 'x'", "found no matching overload for '_+_' applied to '(string, int)'", '1:11'],
  ])('%s is rejected', (rule, message, where) => {
    const [cause] = checkCrdSchema(typed(rule));
    expect(cause.field).toBe(`${base}.properties[spec].x-kubernetes-validations[0].rule`);
    expect(cause.message).toContain(`compilation failed: ERROR: <input>:${where}: ${message}\n | ${rule}\n | `);
  });

  test.each([
    ['self.replicas > 1.5'],
    ["self.name.size() > 2 && self.name != 'x'"],
    ['self.port == 80 || self.port == "80%"'],
    ['self.ratio * 2.0 < 10.0'],
    ["!has(self.name) || self.name.startsWith('a')"],
  ])('%s is accepted', (rule) => {
    expect(checkCrdSchema(typed(rule))).toEqual([]);
  });

  test('the caret points at the undeclared field', () => {
    const [cause] = checkCrdSchema(typed('self.nope == 1'));
    expect(cause.message).toContain("ERROR: <input>:1:5: undefined field 'nope'\n | self.nope == 1\n | ....^");
  });
});
