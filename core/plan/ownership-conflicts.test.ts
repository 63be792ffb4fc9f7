import { describe, expect, it } from 'vitest';
import { conflictMessage, ownershipConflicts, type ObjectIdentity } from './ownership-conflicts.ts';

const obj = (kind: string, labels?: Record<string, string>): ObjectIdentity => ({ kind, metadata: { name: 'web', namespace: 'shop', ...(labels ? { labels } : {}) } });
const managed = { 'app.kubernetes.io/managed-by': 'switchyard' };
const rendered = [obj('Service'), obj('DestinationRule'), obj('VirtualService')];

describe('ownershipConflicts', () => {
  it.each([
    ['nothing live', [], false, []],
    ['all live objects managed', [obj('Service', managed), obj('DestinationRule', managed), obj('VirtualService', managed)], false, []],
    ['an unmanaged VirtualService', [obj('VirtualService', { app: 'web' })], false, ['VirtualService']],
    ['unmanaged objects, in write order', [obj('VirtualService'), obj('Service', { 'app.kubernetes.io/managed-by': 'helm' })], false, ['Service', 'VirtualService']],
    ['unmanaged objects with adopt', [obj('VirtualService'), obj('DestinationRule')], true, []],
  ])('%s', (_name, live, adopt, kinds) => {
    const lookup = (kind: string, namespace: string, name: string): ObjectIdentity | undefined =>
      live.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
    expect(ownershipConflicts(rendered, lookup, adopt).map((c) => c.kind)).toEqual(kinds);
  });

  it("names the object in the Router controller's words (test/cli.test.ts pins them to the controller's)", () => {
    const message = 'DestinationRule shop/web already exists and is not managed by Switchyard; set spec.adopt: true to take it over';
    expect(ownershipConflicts([obj('DestinationRule')], () => obj('DestinationRule'), false)).toEqual([{ kind: 'DestinationRule', namespace: 'shop', name: 'web', message }]);
    expect(conflictMessage({ kind: 'DestinationRule', namespace: 'shop', name: 'web' })).toBe(message);
  });

  it('reads a rendered object without a namespace as in the default namespace', () => {
    const bare: ObjectIdentity = { kind: 'VirtualService', metadata: { name: 'web' } };
    const seen: string[] = [];
    ownershipConflicts([bare], (kind, namespace, name) => (seen.push(`${kind} ${namespace}/${name}`), undefined), false);
    expect(seen).toEqual(['VirtualService default/web']);
  });
});
