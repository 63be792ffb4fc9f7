import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.ts';
import { loadConfigFile } from './load-config-file.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../test/fixtures/ratelimit-config/${name}`, import.meta.url));
const NOW = 1_700_000_000_000;

describe('config errors: one fixture each, exact message', () => {
  it.each([
    ['unknown-key.yaml', 'unknown-key.yaml: descriptors[0].rate_limt: unknown key, allowed: key, value, rate_limit, descriptors, shadow_mode, detailed_metric'],
    ['empty-domain.yaml', 'empty-domain.yaml: domain: must be a non-empty string (got "")'],
    ['empty-key.yaml', 'empty-key.yaml: descriptors[0].key: must be a non-empty string (got nothing)'],
    ['duplicate-key.yaml', "duplicate-key.yaml: descriptors[1]: duplicate descriptor composite key 'd.a_x'"],
    ['invalid-unit.yaml', 'invalid-unit.yaml: descriptors[0].rate_limit.unit: must be one of second, minute, hour, day, week, month, year (got "fortnight")'],
    ['unlimited-with-unit.yaml', 'unlimited-with-unit.yaml: descriptors[0].rate_limit.unit: must not be set when unlimited is true (got "second")'],
    ['negative-requests.yaml', 'negative-requests.yaml: descriptors[0].rate_limit.requests_per_unit: must be an unsigned 32-bit integer (got -5)'],
    ['replaces-empty.yaml', 'replaces-empty.yaml: descriptors[0].rate_limit.replaces[0].name: must be a non-empty string (got "")'],
    ['replaces-self.yaml', 'replaces-self.yaml: descriptors[0].rate_limit.replaces[0].name: must not name the limit itself (got "me")'],
    ['duplicate-domain.yaml', 'duplicate-domain.yaml: documents[1].domain: must be unique across documents (got "d" twice)'],
    ['bad-yaml.yaml', 'bad-yaml.yaml: invalid YAML: Sequence item without - indicator at line 4, column 1'],
    ['empty-file.yaml', 'empty-file.yaml: must contain at least one YAML document (got an empty file)'],
    ['unknown-format.yaml', 'unknown-format.yaml: must be a list of RateLimit resources or an envoyproxy/ratelimit config with a domain (got {"hello":"world"})'],
    ['switchyard-quota-zero.yaml', 'switchyard-quota-zero.yaml: [0].spec.quota: quota must be greater than 0 (got 0)'],
    ['switchyard-unenforceable.yaml', 'switchyard-unenforceable.yaml: [0]: RateLimit sm-verify/v6: spec.match.remoteAddress: IPv6 addresses are not supported yet (got "fd00::/8")'],
    ['switchyard-wrong-kind.yaml', 'switchyard-wrong-kind.yaml: [0].kind: must be RateLimit (got "Router")'],
  ])('%s', async (name, message) => {
    const err = await loadConfigFile(fixture(name), NOW).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(message);
  });
});

describe('valid files', () => {
  it('loads Switchyard RateLimit resources into exact-match quotas', async () => {
    const snapshot = await loadConfigFile(fixture('switchyard-valid.yaml'), NOW);
    expect([snapshot.format, snapshot.origin, snapshot.loadedAt]).toEqual(['switchyard', 'file:switchyard-valid.yaml', NOW]);
    const entries = [{ key: 'switchyard_ratelimit', value: 'sm-verify.page-show' }, { key: 'header_match', value: ':path == /Page.Show' }];
    expect(snapshot.index.match('switchyard', entries)?.entry).toMatchObject({ id: 'sm-verify/page-show', requestsPerUnit: 800, unit: 'SECOND' });
    expect(snapshot.index.match('switchyard', entries.slice(0, 1))).toBeUndefined();
    expect(snapshot.index.match('other', entries)).toBeUndefined();
  });

  it('loads the envoyproxy/ratelimit format unchanged', async () => {
    const snapshot = await loadConfigFile(fixture('reference-valid.yaml'), NOW);
    expect(snapshot.format).toBe('envoy-ratelimit');
    expect(snapshot.index.entries().map((e) => `${e.id} ${e.requestsPerUnit}/${e.unit}${e.shadow ? ' shadow' : ''}`)).toEqual([
      'edge.generic_key_all 1000/DAY',
      'mongo_cps.auth_false.path_/login 5/MINUTE',
      'mongo_cps.auth_false.remote_address 3/MINUTE shadow',
      'mongo_cps.client_internal 0/SECOND',
      'mongo_cps.database_default 500/SECOND',
      'mongo_cps.database_users 500/SECOND',
      'mongo_cps.path_/api/* 100/HOUR',
      'mongo_cps.remote_address 10/MINUTE',
    ]);
  });
});
