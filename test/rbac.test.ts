import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { filterController } from '../controllers/filters/filter-controller.ts';
import { routerController } from '../controllers/router/router-controller.ts';
import { LEADER_ELECTION_PERMISSIONS, requiredPermissions, type Permission } from '../controllers/permissions.ts';
import { rateLimitController } from '../controllers/ratelimit/rate-limit-controller.ts';

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}
interface RbacObject {
  kind: string;
  metadata: { name: string };
  rules?: Rule[];
}

const docs = (file: string): RbacObject[] =>
  parseAllDocuments(readFileSync(join(import.meta.dirname, '..', 'deploy', file), 'utf8')).map((d) => d.toJS() as RbacObject);

function expand(rules: Rule[]): string[] {
  return rules.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g}|${res}|${v}`)))).sort();
}
const keys = (perms: Permission[]): string[] => perms.map((p) => `${p.group}|${p.resource}|${p.verb}`).sort();

describe('deploy/rbac.yaml', () => {
  const objects = docs('rbac.yaml');
  const role = (kind: string, name: string): Rule[] => objects.find((o) => o.kind === kind && o.metadata.name === name)?.rules ?? [];

  it('grants the controllers exactly the calls their code makes, nothing more', () => {
    const needed = keys(requiredPermissions([routerController(), filterController(), rateLimitController()]));
    expect(needed.length).toBeGreaterThan(20);
    expect(expand(role('ClusterRole', 'switchyard'))).toEqual(needed);
  });

  it('confines leader election to Leases in its own namespace', () => {
    expect(expand(role('Role', 'switchyard-leader-election'))).toEqual(keys(LEADER_ELECTION_PERMISSIONS));
    expect(objects.find((o) => o.kind === 'Role')).toMatchObject({ metadata: { namespace: 'switchyard-system' } });
  });

  it('gives the rate-limit service read access to RateLimits only', () => {
    const rls = docs('ratelimit.yaml').find((o) => o.kind === 'ClusterRole');
    expect(expand(rls?.rules ?? [])).toEqual(['switchyard.io|ratelimits|get', 'switchyard.io|ratelimits|list', 'switchyard.io|ratelimits|watch']);
  });

  it('uses no wildcards', () => {
    const all = [...objects, ...docs('ratelimit.yaml')].flatMap((o) => o.rules ?? []);
    expect(all.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]).filter((v) => v.includes('*'))).toEqual([]);
  });
});
