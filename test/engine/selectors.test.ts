import { describe, expect, it } from 'vitest';
import {
  formatSelector, matches, matchesFields, matchesLabelSelector, matchesSelectorMap, parseFieldSelector, parseSelector,
  SelectorParseError,
} from '../../src/engine/selectors.js';

describe('label selectors', () => {
  const web = { app: 'web', tier: 'front', env: 'a' };
  const db = { app: 'db', tier: 'db', env: 'c' };
  const bare = { app: 'web' };

  it.each([
    ['app=web', [true, false, true]],
    ['app==web', [true, false, true]],
    ['tier!=db', [true, false, true]],
    ['env in (a,b)', [true, false, false]],
    ['env notin (a, b)', [false, true, true]],
    ['tier', [true, true, false]],
    ['!tier', [false, false, true]],
    ['app=web,tier!=db,env in (a,b)', [true, false, false]],
    ['', [true, true, true]],
  ])('%s', (text, expected) => {
    const sel = parseSelector(text);
    expect([web, db, bare].map((l) => matches(sel, l))).toEqual(expected);
  });

  it('rejects what kubectl rejects', () => {
    expect(() => parseSelector('app=web=x')).toThrow(SelectorParseError);
    expect(() => parseSelector('in (a')).toThrow(SelectorParseError);
  });

  it('matches the API form with matchLabels and every matchExpressions operator', () => {
    const sel = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'env', operator: 'In' as const, values: ['a', 'b'] },
        { key: 'tier', operator: 'NotIn' as const, values: ['db'] },
        { key: 'app', operator: 'Exists' as const },
        { key: 'canary', operator: 'DoesNotExist' as const },
      ],
    };
    expect(matchesLabelSelector(sel, web)).toBe(true);
    expect(matchesLabelSelector(sel, { ...web, canary: 'yes' })).toBe(false);
    expect(matchesLabelSelector({}, db)).toBe(true);
  });

  it('treats an empty Service selector as selecting nothing', () => {
    expect(matchesSelectorMap({}, web)).toBe(false);
    expect(matchesSelectorMap({ app: 'web' }, web)).toBe(true);
  });

  it('prints selectors back in kubectl form', () => {
    expect(formatSelector(parseSelector('app=web,tier!=db,env in (b,a),x'))).toBe('app=web,tier!=db,env in (a,b),x');
  });
});

describe('field selectors', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  it('supports spec.nodeName, metadata.name and status.phase with = and !=', () => {
    expect(matchesFields(parseFieldSelector('spec.nodeName=n1'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.nodeName!=n1'), pod)).toBe(false);
    expect(matchesFields(parseFieldSelector('metadata.name==p,status.phase=Running'), pod)).toBe(true);
    expect(matchesFields(parseFieldSelector('spec.nodeName='), pod)).toBe(false);
  });
  it('rejects unknown fields with the API server words', () => {
    expect(() => parseFieldSelector('spec.foo=x')).toThrow('field label not supported: spec.foo');
  });
});
