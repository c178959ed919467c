import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { CRD_DIR, REFERENCE_DOC, REPO_ROOT, generatedFiles } from './outputs';
import { GENERATED_HEADER } from './crd';
import { KIND_DEFINITIONS } from '../v1alpha1/index';

describe('generated files (npm run generate)', () => {
  it('match the committed CRDs and reference doc byte for byte', async () => {
    const files = await generatedFiles();
    const stale: string[] = [];
    for (const file of files) {
      const committed = await readFile(join(REPO_ROOT, file.path), 'utf8').catch(() => '<missing>');
      if (committed !== file.content) stale.push(file.path);
    }
    expect(stale).toEqual([]);
  });

  it('leave no CRD file in charts/kubeflash/crds that no kind generates', async () => {
    const expected = (await generatedFiles()).map((f) => f.path).filter((p) => p.startsWith(CRD_DIR));
    const present = (await readdir(join(REPO_ROOT, CRD_DIR))).map((n) => `${CRD_DIR}/${n}`);
    expect(present.sort()).toEqual(expected.sort());
  });

  it('are deterministic and carry the do-not-edit header', async () => {
    const [a, b] = [await generatedFiles(), await generatedFiles()];
    expect(a).toEqual(b);
    for (const file of a) expect(file.content.split('\n')[0]).toContain(GENERATED_HEADER);
  });

  it('write one CRD per kind named kubeflash.dev_<plural>.yaml that parses back to that kind', async () => {
    const files = await generatedFiles();
    for (const def of KIND_DEFINITIONS) {
      const file = files.find((f) => f.path === `${CRD_DIR}/kubeflash.dev_${def.names.plural}.yaml`);
      expect(file).toBeDefined();
      const crd = load(file?.content ?? '') as { metadata: { name: string }; spec: { names: { kind: string } } };
      expect(crd.metadata.name).toBe(`${def.names.plural}.kubeflash.dev`);
      expect(crd.spec.names.kind).toBe(def.names.kind);
    }
  });

  it('document every kind, field and condition type in the reference', async () => {
    const doc = (await generatedFiles()).find((f) => f.path === REFERENCE_DOC)?.content ?? '';
    for (const def of KIND_DEFINITIONS) expect(doc).toContain(`## ${def.names.kind}\n`);
    for (const text of [
      '`spec.configSchema.keys[].name`',
      '`spec.strategy.waves`',
      '`status.reported.lastSeen`',
      '| `ConfigReady` | True when the config Secret',
      '| `FailureThresholdExceeded` |',
      'rule: waves must be strictly ascending percentages',
    ]) {
      expect(doc).toContain(text);
    }
  });
});
