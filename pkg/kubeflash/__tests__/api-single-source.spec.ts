// The extension takes the API's closed sets from @kubeflash/api and spells none of them itself: no condition
// type, kind, chip, NVS key type, phase, OTA state or type id appears as a string literal in its sources, and
// nothing is imported from the operator. A literal here would be a second copy that can drift from the API.
import fs from 'fs';
import path from 'path';
import * as api from '@kubeflash/api';
import { KUBEFLASH } from '../types/kubeflash';

const PKG = path.resolve(__dirname, '..');
const SKIP_DIRS = new Set(['__tests__', 'node_modules', '.shell', 'l10n']);

/** Every .ts, .js and .vue file of the extension (tests and strings excluded). */
function sources(dir = PKG): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);

    if (e.isDirectory()) {
      return SKIP_DIRS.has(e.name) ? [] : sources(p);
    }

    return /\.(ts|js|vue)$/.test(e.name) ? [p] : [];
  });
}

/** Values of the const objects @kubeflash/api exports whose names end with `suffix`. */
function valuesOf(suffix: string): string[] {
  return Object.entries(api).filter(([name, v]) => name.endsWith(suffix) && v && typeof v === 'object').flatMap(([, v]) => Object.values(v as Record<string, string>));
}

/** `file:line: text` of every quoted occurrence of one of `literals`. */
function spelled(literals: readonly string[]): string[] {
  const quoted = new RegExp(`(['"\`])(${ literals.map((l) => l.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|') })\\1`);

  return sources().flatMap((file) => fs.readFileSync(file, 'utf8').split('\n')
    .map((line, i) => (quoted.test(line) ? `${ path.relative(PKG, file) }:${ i + 1 }: ${ line.trim() }` : ''))
    .filter(Boolean));
}

describe('the extension takes the API from @kubeflash/api only', () => {
  const conditionTypes = [...new Set(valuesOf('ConditionType'))];

  it('finds the closed sets it checks for', () => {
    expect(conditionTypes).toEqual(expect.arrayContaining(['ConfigReady', 'Online', 'FirmwareCurrent', 'FirmwareReady', 'Ready', 'Built', 'Succeeded', 'Aborted']));
    expect(sources().length).toBeGreaterThan(40);
    expect(spelled(['ConfigReady'])).toStrictEqual([]);
  });

  it('spells no condition type itself', () => {
    expect(spelled(conditionTypes)).toStrictEqual([]);
  });

  it('spells no kind, type id, chip, NVS key type (but string), phase or OTA state itself', () => {
    const kinds = api.KIND_DEFINITIONS.map((d) => d.names.kind);
    const keyTypes = Object.values(api.ConfigKeyType).filter((t) => t !== api.ConfigKeyType.String);
    const closedSets = [
      ...kinds, ...Object.values(KUBEFLASH), ...Object.values(api.Chip), ...keyTypes,
      ...Object.values(api.FirmwarePhase), ...Object.values(api.RolloutPhase), ...Object.values(api.OtaState),
    ];

    expect(spelled(closedSets)).toStrictEqual([]);
  });

  it('imports nothing from the operator', () => {
    const fromOperator = /(from\s+|require\(|import\()\s*['"](@kubeflash\/operator|(\.\.\/)+operator\/)/;
    const offenders = sources().filter((file) => fromOperator.test(fs.readFileSync(file, 'utf8')));

    expect(offenders.map((f) => path.relative(PKG, f))).toStrictEqual([]);
  });

  it('declares every @kubeflash package it imports, and not the operator', () => {
    const deps = Object.keys(JSON.parse(fs.readFileSync(path.join(PKG, 'package.json'), 'utf8')).dependencies || {});
    const imported = new Set(sources().flatMap((file) => [...fs.readFileSync(file, 'utf8').matchAll(/['"](@kubeflash\/[a-z-]+)/g)].map((m) => m[1])));

    expect([...imported].sort()).toStrictEqual(deps.filter((d) => d.startsWith('@kubeflash/')).sort());
    expect(deps).not.toContain('@kubeflash/operator');
  });
});
