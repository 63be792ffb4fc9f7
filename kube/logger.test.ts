import { describe, expect, it } from 'vitest';
import { createLogger, levelFromEnv } from './logger.ts';

describe('createLogger', () => {
  it('writes JSON lines with time, level, msg and inherited fields, filtered by level', () => {
    const lines: string[] = [];
    const log = createLogger({ level: 'info', write: (l) => lines.push(l), now: () => new Date('2025-01-01T00:00:00Z') });
    const child = log.child({ controller: 'router', reconcileId: 'ab12' });
    child.debug('hidden');
    child.info('applied', { kind: 'VirtualService', error: new Error('boom') });
    expect(lines.map((l) => JSON.parse(l))).toEqual([
      { time: '2025-01-01T00:00:00.000Z', level: 'info', msg: 'applied', controller: 'router', reconcileId: 'ab12', kind: 'VirtualService', error: { name: 'Error', message: 'boom' } },
    ]);
  });
});

describe('levelFromEnv', () => {
  it.each([
    [undefined, 'info'],
    ['DEBUG', 'debug'],
    [' warn ', 'warn'],
  ])('LOG_LEVEL=%s → %s', (value, want) => {
    expect(levelFromEnv({ LOG_LEVEL: value })).toBe(want);
  });

  it('names the variable, the value and the choices on a bad value', () => {
    expect(() => levelFromEnv({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of debug, info, warn, error, got "loud"');
  });
});
