import { describe, expect, it } from 'vitest';
import type { CheckStatus, Progression, ProgressionStatus } from '../../api/progression.ts';
import { afterAnalysis, judgeCheck } from './analysis.ts';
import { beginRound, onLive, parseCommand, RESUMED } from './walk.ts';
import { canaryVersion, stepWeights, walkWeights, weightsBetween } from './walk-steps.ts';

const P: Progression = { steps: [5, 25, 50], interval: '10s', failureLimit: 2 };
const T0 = new Date('2026-11-29T12:00:00Z');
const at = (s: number): Date => new Date(T0.getTime() + s * 1000);

describe('walk steps', () => {
  it.each([
    [{ steps: [5, 25, 50] }, [5, 25, 50]],
    [{ stepWeight: 20 }, [20, 40]],
    [{ stepWeight: 30, maxWeight: 90 }, [30, 60, 90]],
    [{}, [10, 20, 30, 40, 50]],
  ])('stepWeights(%j) = %j', (p, want) => expect(stepWeights(p)).toEqual(want));

  it.each([
    [{ v1: 100 }, { v2: 100 }, 5, { v1: 95, v2: 5 }],
    [{ v1: 100 }, { v2: 100 }, 33, { v1: 67, v2: 33 }],
    [{ v1: 90, v2: 10 }, { v3: 100 }, 50, { v1: 45, v2: 5, v3: 50 }],
    [{ v1: 50, v2: 50 }, { v1: 100 }, 25, { v1: 63, v2: 37 }],
    [{ a: 1, b: 1, c: 98 }, { d: 100 }, 50, { a: 1, b: 0, c: 49, d: 50 }],
  ])('weightsBetween(%j, %j, %d) = %j and sums to 100', (from, to, share, want) => {
    const got = weightsBetween(from, to, share);
    expect(got).toEqual(want);
    expect(Object.values(got).reduce((a, b) => a + b, 0)).toBe(100);
  });

  it('walks through every step to the desired weights, dropping steps that change nothing', () => {
    expect(walkWeights(P, { v1: 100 }, { v2: 100 }).map((s) => s.weights)).toEqual([{ v1: 95, v2: 5 }, { v1: 75, v2: 25 }, { v1: 50, v2: 50 }, { v2: 100 }]);
    expect(walkWeights({ steps: [1, 2] }, { v1: 99, v2: 1 }, { v1: 98, v2: 2 }).map((s) => s.share)).toEqual([100]);
  });

  it('names the version gaining the most weight as the canary', () => {
    expect(canaryVersion({ v1: 100 }, { v1: 10, v2: 90 })).toBe('v2');
    expect(canaryVersion({ v1: 10, v2: 90 }, { v1: 100 })).toBe('v1');
    expect(canaryVersion({ v1: 100 }, { v1: 100 })).toBeUndefined();
  });
});

/** A walk just started (step 0) past its gates: step 1's weights, not yet live. */
function pastGates(p: Progression, started: ProgressionStatus): ProgressionStatus {
  const gate = onLive(p, started, 10_000, T0);
  expect(gate.kind).toBe('analyse');
  return afterAnalysis(p, gate.status, [], { open: true }, T0).status;
}

/** v1 promoted, then an edit to v2: the walk at step 1 (not yet live). */
function walkToV2(p: Progression): ProgressionStatus {
  return pastGates(p, beginRound(p, { v2: 100 }, beginRound(p, { v1: 100 }, undefined, undefined).status, undefined).status);
}

describe('a walk', () => {
  const pass = (name: string): CheckStatus => judgeCheck({ name, metric: 'successRate', min: 99 }, { value: 100 }, T0);
  const fail = (name: string): CheckStatus => judgeCheck({ name, metric: 'successRate', min: 99 }, { value: 70 }, T0);
  const unknown = (name: string): CheckStatus => judgeCheck({ name, metric: 'successRate', min: 99 }, { unknown: 'no data' }, T0);

  it('starts at the declared weights the first time, and walks on the next edit', () => {
    const first = beginRound(P, { v1: 100 }, undefined, undefined);
    expect(first.status).toMatchObject({ phase: 'Promoted', promoted: { v1: 100 }, current: { v1: 100 } });
    expect(onLive(P, first.status, 10_000, T0).kind).toBe('settled');
    const walk = beginRound(P, { v2: 100 }, first.status, undefined);
    // Step 0: nothing moves before the gates are asked.
    expect(walk.status).toMatchObject({ phase: 'Progressing', step: 0, steps: 4, canaryWeight: 0, current: { v1: 100 }, from: { v1: 100 }, target: { v2: 100 } });
    expect(walk.events).toEqual([{ type: 'Normal', reason: 'Walk', message: 'walk from v1=100 to v2=100 started: 4 step(s)' }]);
    expect(pastGates(P, walk.status)).toMatchObject({ step: 1, canaryWeight: 5, current: { v1: 95, v2: 5 } });
    const closed = afterAnalysis(P, walk.status, [], { open: false, message: 'gate closed: webhook freeze answered 403' }, T0);
    expect(closed.status).toMatchObject({ step: 0, current: { v1: 100 }, stepStartedAt: T0.toISOString(), message: 'holding: gate closed: webhook freeze answered 403' });
  });

  it('opens an analysis window once a step is live, then advances when every check passes, then promotes', () => {
    let s = walkToV2(P);
    const live = onLive(P, s, 10_000, T0);
    expect(live).toMatchObject({ kind: 'wait', ms: 10_000, status: { stepStartedAt: T0.toISOString(), nextStepAt: at(10).toISOString() } });
    s = live.status;
    expect(onLive(P, s, 10_000, at(4))).toMatchObject({ kind: 'wait', ms: 6_000 });
    expect(onLive(P, s, 10_000, at(10)).kind).toBe('analyse');
    for (const want of [{ v1: 75, v2: 25 }, { v1: 50, v2: 50 }, { v2: 100 }]) {
      s = afterAnalysis(P, s, [pass('ok')], { open: true }, at(10)).status;
      expect(s.current).toEqual(want);
      expect(s.stepStartedAt).toBeUndefined();
      if (s.step < s.steps) s = onLive(P, s, 10_000, at(10)).status;
    }
    const done = onLive(P, s, 10_000, at(30));
    expect(done).toMatchObject({ kind: 'settled', status: { phase: 'Promoted', promoted: { v2: 100 } } });
    expect(done.kind === 'settled' && done.events[0]?.reason).toBe('Promoted');
  });

  it('rolls back when failureLimit analyses failed, naming the check, its value and threshold', () => {
    let s = onLive(P, walkToV2(P), 10_000, T0).status;
    const once = afterAnalysis(P, s, [fail('success'), pass('latency')], { open: true }, at(10));
    expect(once.status).toMatchObject({ phase: 'Progressing', failures: 1, current: { v1: 95, v2: 5 }, stepStartedAt: at(10).toISOString() });
    s = once.status;
    const twice = afterAnalysis(P, s, [fail('success')], { open: true }, at(20));
    expect(twice.status).toMatchObject({ phase: 'RollingBack', current: { v1: 100 }, failures: 2 });
    expect(twice.status.message).toBe('success = 70, want >= 99 (failed analysis 2/2)');
    expect(twice.events).toEqual([{ type: 'Warning', reason: 'RolledBack', message: 'rolling back to v1=100: success = 70, want >= 99 (failed analysis 2/2)', cause: 'analysis' }]);
    const settled = onLive(P, twice.status, 10_000, at(21));
    expect(settled).toMatchObject({ kind: 'settled', status: { phase: 'RolledBack', current: { v1: 100 } } });
    // It stays rolled back while the spec still asks for the same weights ...
    expect(beginRound(P, { v2: 100 }, settled.status, undefined).status.phase).toBe('RolledBack');
    // ... and a new edit starts a new walk from the live (promoted) weights.
    expect(pastGates(P, beginRound(P, { v3: 100 }, settled.status, undefined).status)).toMatchObject({ phase: 'Progressing', from: { v1: 100 }, current: { v1: 95, v3: 5 } });
  });

  it('holds on unknown results without stepping or rolling back, then rolls back after failureLimit in a row', () => {
    const s = onLive(P, walkToV2(P), 10_000, T0).status;
    const held = afterAnalysis(P, s, [unknown('success')], { open: true }, at(10));
    expect(held.status).toMatchObject({ phase: 'Progressing', step: 1, unknowns: 1, failures: 0 });
    expect(held.status.message).toBe('holding: success: no data (unknown 1/2)');
    const rolled = afterAnalysis(P, held.status, [unknown('success')], { open: true }, at(20));
    expect(rolled.status.phase).toBe('RollingBack');
    // A definite result in between resets the run of unknowns.
    const reset = afterAnalysis(P, afterAnalysis(P, held.status, [pass('success')], { open: false, message: 'gate closed' }, at(20)).status, [unknown('success')], { open: true }, at(30));
    expect(reset.status).toMatchObject({ phase: 'Progressing', unknowns: 1 });
  });

  it('a closed gate holds the step without counting a failure', () => {
    const s = onLive(P, walkToV2(P), 10_000, T0).status;
    const held = afterAnalysis(P, s, [pass('ok')], { open: false, message: 'gate approve answered 403' }, at(10));
    expect(held.status).toMatchObject({ step: 1, failures: 0, message: 'holding: gate approve answered 403' });
  });

  it('pauses at a pauseAt step until resume or promote; abort rolls back at once', () => {
    const p: Progression = { ...P, pauseAt: [25] };
    let s = walkToV2(p);
    s = afterAnalysis(p, onLive(p, s, 10_000, T0).status, [], { open: true }, at(10)).status;
    const paused = onLive(p, s, 10_000, at(11));
    expect(paused).toMatchObject({ kind: 'wait', ms: undefined, status: { phase: 'Paused', canaryWeight: 25 } });
    const resumed = beginRound(p, { v2: 100 }, paused.status, 'resume');
    expect(resumed.status).toMatchObject({ phase: 'Progressing', command: 'resume', message: RESUMED });
    expect(onLive(p, resumed.status, 10_000, at(12))).toMatchObject({ kind: 'wait', ms: 10_000 });
    // The same annotation value is acted on once only.
    expect(beginRound(p, { v2: 100 }, resumed.status, 'resume').events).toEqual([]);
    const promoted = beginRound(p, { v2: 100 }, paused.status, 'promote@1');
    expect(promoted.status).toMatchObject({ phase: 'Progressing', current: { v2: 100 }, step: 4 });
    expect(onLive(p, promoted.status, 10_000, at(12)).status.phase).toBe('Promoted');
    const aborted = beginRound(p, { v2: 100 }, paused.status, 'abort');
    expect(aborted.status).toMatchObject({ phase: 'RollingBack', current: { v1: 100 }, message: 'aborted by command' });
  });

  it('refuses an unknown command on status and in an Event, and ignores commands when no walk is in progress', () => {
    expect(parseCommand('rollback')).toEqual({ error: 'annotation switchyard.io/progression must be one of promote, abort, pause, resume, optionally followed by @<token> (got "rollback")' });
    const rest = beginRound(P, { v1: 100 }, undefined, undefined).status;
    const bad = beginRound(P, { v1: 100 }, rest, 'rollback');
    expect(bad.events[0]).toMatchObject({ type: 'Warning', reason: 'Command' });
    expect(beginRound(P, { v1: 100 }, rest, 'abort').status).toMatchObject({ phase: 'Promoted', command: 'abort' });
  });

  it('an edit during a walk starts a new walk from the live weights', () => {
    const s = walkToV2(P);
    const again = beginRound(P, { v3: 100 }, s, undefined).status;
    expect(again).toMatchObject({ from: { v1: 95, v2: 5 }, target: { v3: 100 }, step: 0, promoted: { v1: 100 } });
  });
});
