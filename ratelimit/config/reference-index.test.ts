import { describe, expect, it } from 'vitest';
import { parseConfigText } from './load-config-file.ts';

const CONFIG = `
domain: mongo_cps
descriptors:
  - key: database
    value: users
    rate_limit: {unit: second, requests_per_unit: 500}
  - key: database
    rate_limit: {unit: second, requests_per_unit: 50}
  - key: path
    value: /api/*
    rate_limit: {unit: hour, requests_per_unit: 100}
  - key: client
    value: internal
    rate_limit: {unlimited: true}
  - key: auth
    value: "false"
    descriptors:
      - key: remote_address
        rate_limit: {unit: minute, requests_per_unit: 3}
      - key: path
        value: /login
        descriptors:
          - key: user
            rate_limit: {unit: minute, requests_per_unit: 1, name: per-user, replaces: [{name: x}]}
`;
const index = parseConfigText('quotas.yaml', CONFIG, 0).index;
const entries = (...pairs: [string, string][]) => pairs.map(([key, value]) => ({ key, value }));

describe('envoyproxy/ratelimit matching', () => {
  it.each([
    ['exact value', entries(['database', 'users']), 'mongo_cps.database_users'],
    ['key without value matches any value', entries(['database', 'orders']), 'mongo_cps.database'],
    ['value* matches by prefix', entries(['path', '/api/v1/things']), 'mongo_cps.path_/api/*'],
    ['value* does not match other prefixes', entries(['path', '/web']), undefined],
    ['nested path, wildcard leaf', entries(['auth', 'false'], ['remote_address', '10.0.0.1']), 'mongo_cps.auth_false.remote_address'],
    ['three levels', entries(['auth', 'false'], ['path', '/login'], ['user', 'ann']), 'mongo_cps.auth_false.path_/login.user'],
    ['a node without rate_limit limits nothing', entries(['auth', 'false']), undefined],
    ['stopping short of a limit limits nothing', entries(['auth', 'false'], ['path', '/login']), undefined],
    ['more entries than the config path limits nothing', entries(['database', 'users'], ['extra', 'x']), undefined],
    ['unknown key', entries(['tenant', 'acme']), undefined],
    ['unknown nested value', entries(['auth', 'true'], ['remote_address', '10.0.0.1']), undefined],
  ])('%s', (_, request, id) => {
    expect(index.match('mongo_cps', request)?.entry.id).toBe(id);
  });

  it('reports unlimited, name and replaces', () => {
    expect(index.match('mongo_cps', entries(['client', 'internal']))).toMatchObject({ unlimited: true });
    expect(index.match('mongo_cps', entries(['auth', 'false'], ['path', '/login'], ['user', 'u']))).toMatchObject({ unlimited: false, name: 'per-user', replaces: ['x'] });
  });

  it('knows its domains only', () => {
    expect([index.hasDomain('mongo_cps'), index.hasDomain('other')]).toEqual([true, false]);
    expect(index.match('other', entries(['database', 'users']))).toBeUndefined();
  });
});
