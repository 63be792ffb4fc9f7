import { describe, expect, it } from 'vitest';
import { parseDashboardArgs } from './dashboard-command.ts';
import { parseMetricsUrl, parseQuotaCounters, quotaRates } from './ratelimit-rates.ts';
import { checkHost, checkWrite } from './request-guard.ts';

const METRICS = `# HELP switchyard_rls_descriptor_hits_total Hits counted against a quota (sum of hits addends).
# TYPE switchyard_rls_descriptor_hits_total counter
switchyard_rls_descriptor_hits_total{quota="shop/page"} 120
switchyard_rls_descriptor_hits_total{quota="shop/with \\"quote\\""} 4
switchyard_rls_descriptor_over_limit_total{quota="shop/page"} 20
switchyard_rls_descriptor_near_limit_total{quota="shop/page"} 99
switchyard_rls_decision_seconds_bucket{le="0.001"} 5
`;

describe('rates from the rate-limit service\'s counters', () => {
  it('reads the per-quota hits and over-limit counters and nothing else', () => {
    const c = parseQuotaCounters(METRICS);
    expect([...c.hits]).toEqual([['shop/page', 120], ['shop/with "quote"', 4]]);
    expect([...c.overLimit]).toEqual([['shop/page', 20]]);
  });

  it('divides the increase by the time between scrapes; a counter that went down restarted from zero', () => {
    const before = { atMs: 0, counters: parseQuotaCounters(METRICS) };
    const after = { atMs: 2_000, counters: parseQuotaCounters(METRICS.replace('} 120', '} 180').replace('} 20', '} 30').replace('} 4', '} 2')) };
    expect(quotaRates(before, after)).toEqual({
      'shop/page': { hitsPerSecond: 30, overLimitPerSecond: 5 },
      'shop/with "quote"': { hitsPerSecond: 1, overLimitPerSecond: 0 },
    });
  });

  it('refuses a --ratelimit-metrics value that is not an http URL, naming the flag and the value', () => {
    expect(() => parseMetricsUrl('127.0.0.1:9102')).toThrow('--ratelimit-metrics must be an http:// or https:// URL such as http://127.0.0.1:9102/metrics (got "127.0.0.1:9102")');
    expect(() => parseMetricsUrl('ftp://127.0.0.1/metrics')).toThrow('--ratelimit-metrics must be an http:// or https:// URL (got "ftp://127.0.0.1/metrics")');
    expect(() => parseMetricsUrl('not a url')).toThrow('--ratelimit-metrics must be an http:// or https:// URL such as http://127.0.0.1:9102/metrics (got "not a url")');
    expect(parseMetricsUrl('http://127.0.0.1:9102/metrics').port).toBe('9102');
  });
});

describe('the request guard', () => {
  it('answers only to the loopback names with the bound port (DNS rebinding is refused)', () => {
    for (const host of ['127.0.0.1:3100', 'localhost:3100', 'LOCALHOST:3100', '[::1]:3100']) expect(checkHost(host, 3100)).toEqual({ ok: true });
    expect(checkHost('evil.example:3100', 3100)).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('(got "evil.example:3100")') });
    expect(checkHost('127.0.0.1:3101', 3100).ok).toBe(false);
    expect(checkHost(undefined, 3100).ok).toBe(false);
  });

  it('lets a write through only with the token, from the dashboard\'s own origin', () => {
    expect(checkWrite({ token: 't' }, 't', 3100)).toEqual({ ok: true });
    expect(checkWrite({ token: 't', origin: 'http://localhost:3100', secFetchSite: 'same-origin' }, 't', 3100)).toEqual({ ok: true });
    expect(checkWrite({}, 't', 3100)).toMatchObject({ ok: false, status: 403, message: expect.stringContaining('x-switchyard-token must carry this dashboard\'s token (missing)') });
    expect(checkWrite({ token: 'x' }, 't', 3100)).toMatchObject({ ok: false, message: expect.stringContaining('(wrong value)') });
    expect(checkWrite({ token: 't', origin: 'https://evil.example' }, 't', 3100)).toMatchObject({ ok: false, message: 'Origin must be the dashboard\'s own (got "https://evil.example")' });
    expect(checkWrite({ token: 't', secFetchSite: 'cross-site' }, 't', 3100)).toMatchObject({ ok: false, message: 'Sec-Fetch-Site must be same-origin (got "cross-site")' });
  });
});

describe('kubectl switchyard dashboard arguments', () => {
  it('defaults to port 3100 in the context\'s namespace', () => {
    expect(parseDashboardArgs([])).toEqual({ port: 3100, metricsUrl: undefined, connection: {}, allNamespaces: false, help: false });
    expect(parseDashboardArgs(['--port', '0', '-A', '--ratelimit-metrics', 'http://127.0.0.1:9102/metrics', '--context', 'kind'])).toMatchObject({ port: 0, allNamespaces: true, connection: { context: 'kind' }, metricsUrl: new URL('http://127.0.0.1:9102/metrics') });
  });

  it('names the flag, the rule and the value of a bad argument', () => {
    expect(() => parseDashboardArgs(['--port', '70000'])).toThrow('--port must be an integer from 0 to 65535, 0 picking a free port (got "70000")');
    expect(() => parseDashboardArgs(['--port=-1'])).toThrow('--port must be an integer from 0 to 65535');
    expect(() => parseDashboardArgs(['--port', '3100x'])).toThrow('(got "3100x")');
    expect(() => parseDashboardArgs(['-n', 'a', '-A'])).toThrow('give -n/--namespace or -A/--all-namespaces, not both (got -n a and -A)');
    expect(() => parseDashboardArgs(['--bogus'])).toThrow("Unknown option '--bogus'");
    expect(() => parseDashboardArgs(['extra'])).toThrow("Unexpected argument 'extra'");
  });
});
