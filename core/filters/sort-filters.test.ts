import { describe, expect, it } from 'vitest';
import { filter } from './layer-fixtures.ts';
import { sortFilters } from './sort-filters.ts';

const timeout = [{ timeout: '1s' }];

describe('sortFilters', () => {
  const cases: { name: string; filters: ReturnType<typeof filter>[]; order: string[] }[] = [
    {
      name: 'priority ascending, default 0, negative first',
      filters: [filter('a', timeout, { priority: 5 }), filter('b', timeout), filter('c', timeout, { priority: -3 })],
      order: ['c', 'b', 'a'],
    },
    {
      name: 'same priority: older creation time first',
      filters: [
        filter('a', timeout, { creationTimestamp: '2030-01-01T10:00:02Z' }),
        filter('b', timeout, { creationTimestamp: '2030-01-01T10:00:01Z' }),
      ],
      order: ['b', 'a'],
    },
    {
      name: 'creation times compared as instants, not strings (offsets differ)',
      filters: [
        filter('a', timeout, { creationTimestamp: '2030-01-01T10:30:00Z' }),
        filter('b', timeout, { creationTimestamp: '2030-01-01T12:00:00+02:00' }),
      ],
      order: ['b', 'a'],
    },
    {
      name: 'absent creation time sorts last',
      filters: [filter('a', timeout), filter('z', timeout, { creationTimestamp: '2030-01-01T10:00:00Z' })],
      order: ['z', 'a'],
    },
    {
      name: 'priority beats creation time',
      filters: [
        filter('old', timeout, { priority: 1, creationTimestamp: '2020-01-01T00:00:00Z' }),
        filter('new', timeout, { creationTimestamp: '2030-01-01T00:00:00Z' }),
      ],
      order: ['new', 'old'],
    },
    {
      name: 'full tie: namespace/name in code-unit order',
      filters: [filter('b', timeout), filter('B', timeout), filter('a', timeout, { namespace: 'x' }), filter('a', timeout)],
      order: ['shop/B', 'shop/a', 'shop/b', 'x/a'],
    },
  ];
  it.each(cases)('$name', ({ filters, order }) => {
    const names = sortFilters(filters).map((f) => (order[0]?.includes('/') ? `${f.metadata.namespace}/${f.metadata.name}` : f.metadata.name));
    expect(names).toEqual(order);
    expect(sortFilters([...filters].reverse()).map((f) => f.metadata.name)).toEqual(sortFilters(filters).map((f) => f.metadata.name));
  });

  it('does not reorder its input', () => {
    const filters = [filter('b', timeout), filter('a', timeout)];
    sortFilters(filters);
    expect(filters.map((f) => f.metadata.name)).toEqual(['b', 'a']);
  });
});
