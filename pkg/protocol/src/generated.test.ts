import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT, renderFiles } from '../scripts/render';
import { MessageKind, SCHEMA_BASE, validatorFor } from './index';

describe('generated files', () => {
  test('schemas/ and vectors/ match what scripts/generate.ts renders (run `yarn workspace @kubeflash/protocol generate`)', () => {
    for (const [path, content] of renderFiles()) {
      const target = join(PACKAGE_ROOT, path);
      expect({ path, exists: existsSync(target) }).toEqual({ path, exists: true });
      const expected = typeof content === 'string' ? content : content.toString('base64');
      const actual = typeof content === 'string' ? readFileSync(target, 'utf8') : readFileSync(target).toString('base64');
      expect({ path, content: actual }).toEqual({ path, content: expected });
    }
  });

  test.each(Object.values(MessageKind))('schemas/%s.schema.json is a strict draft 2020-12 schema with a versioned $id', (kind) => {
    const doc = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'schemas', `${kind}.schema.json`), 'utf8')) as Record<string, unknown>;
    expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(doc.$id).toBe(`${SCHEMA_BASE}${kind}.schema.json`);
    expect(SCHEMA_BASE).toBe('https://kubeflash.dev/protocol/v1/');
    expect(doc.additionalProperties).toBe(false);
    // ajv compiles it in strict mode (unknown keywords, ambiguous types and formats throw).
    expect(typeof validatorFor(kind)).toBe('function');
  });
});
