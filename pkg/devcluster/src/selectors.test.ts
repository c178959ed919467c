import { StatusError } from './errors';
import { matchesFields, matchesLabels, matchesLabelSelectorObject, parseFieldSelector, parseLabelSelector } from './selectors';

const match = (selector: string, labels: Record<string, string>) => matchesLabels(parseLabelSelector(selector), labels);

describe('label selectors', () => {
  it('implements =, ==, !=, in, notin, exists, !exists and gt/lt', () => {
    const labels = { app: 'shop', tier: 'web', replicas: '3' };
    expect(match('app=shop', labels)).toBe(true);
    expect(match('app==shop,tier=db', labels)).toBe(false);
    expect(match('tier!=db', labels)).toBe(true);
    expect(match('missing!=x', labels)).toBe(true);
    expect(match('tier in (web, db)', labels)).toBe(true);
    expect(match('tier notin (web,db)', labels)).toBe(false);
    expect(match('missing notin (web)', labels)).toBe(true);
    expect(match('app,!missing', labels)).toBe(true);
    expect(match('!app', labels)).toBe(false);
    expect(match('replicas>2,replicas<4', labels)).toBe(true);
    expect(match('replicas>3', labels)).toBe(false);
    expect(match('', labels)).toBe(true);
  });

  it('rejects malformed selectors with 400 BadRequest', () => {
    for (const bad of ['a=b=c', 'tier in web', '-bad=x', 'a>x']) {
      let err: unknown;
      try {
        parseLabelSelector(bad);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(400);
    }
  });

  it('matches metav1.LabelSelector objects', () => {
    const sel = { matchLabels: { app: 'shop' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }] };
    expect(matchesLabelSelectorObject(sel, { app: 'shop', tier: 'web' })).toBe(true);
    expect(matchesLabelSelectorObject(sel, { app: 'shop', tier: 'db' })).toBe(false);
    expect(matchesLabelSelectorObject(undefined, {})).toBe(true);
    expect(matchesLabelSelectorObject({ matchExpressions: [{ key: 'x', operator: 'Bogus' }] }, { x: '1' })).toBe(false);
  });
});

describe('field selectors', () => {
  it('matches =, == and != against the supported fields only', () => {
    const fields = { 'metadata.name': 'a', type: 'Opaque' };
    expect(matchesFields(parseFieldSelector('metadata.name=a,type!=tls', ['metadata.name', 'type']), fields)).toBe(true);
    expect(matchesFields(parseFieldSelector('metadata.name==b', ['metadata.name']), fields)).toBe(false);
    expect(() => parseFieldSelector('spec.foo=1', ['metadata.name'])).toThrow('field label not supported: spec.foo');
  });
});
