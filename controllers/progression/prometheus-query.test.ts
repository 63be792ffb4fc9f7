import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { queryPrometheus, reduceResult } from './prometheus-query.ts';

describe('reduceResult', () => {
  it.each([
    ['one sample', { resultType: 'vector', result: [{ metric: {}, value: [1, '99.5'] }] }, { value: 99.5 }],
    ['a scalar', { resultType: 'scalar', result: [1, '3'] }, { value: 3 }],
    ['an empty vector', { resultType: 'vector', result: [] }, { unknown: 'no data (the query returned an empty vector)' }],
    ['two series', { resultType: 'vector', result: [{ value: [1, '1'] }, { value: [1, '2'] }] }, { unknown: 'the query returned 2 series, expected one number' }],
    ['NaN (0/0)', { resultType: 'vector', result: [{ value: [1, 'NaN'] }] }, { unknown: 'the query returned NaN, not a finite number' }],
    ['a matrix', { resultType: 'matrix', result: [] }, { unknown: 'the query returned a matrix result, expected one number' }],
  ])('%s', (_name, data, want) => expect(reduceResult(data)).toEqual(want));
});

describe('queryPrometheus', () => {
  it('is Unknown, never a throw, when Prometheus is unreachable or answers an error', async () => {
    const server = createServer((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'error', error: 'parse error at char 5' })));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect(await queryPrometheus(url, 'sum(')).toEqual({ unknown: `Prometheus ${url} answered 400: parse error at char 5` });
    await new Promise((r) => server.close(r));
    const refused = await queryPrometheus(url, 'up');
    expect('unknown' in refused && refused.unknown).toMatch(new RegExp(`^Prometheus ${url} unreachable: .*ECONNREFUSED`));
  });
});
