import { describe, expect, it } from 'vitest';
import type { CheckStatus, Progression, ProgressionStatus } from '../../api/progression.ts';
import { afterAnalysis } from '../../core/progression/analysis.ts';
import { beginRound } from '../../core/progression/walk.ts';
import { appendWatched, buildTimeline, MAX_SAMPLES, parseStepChecks, sampleFromEvent, sampleFromStatus, type RouterEvent } from './timeline.ts';

const P: Progression = { steps: [10, 50], analysis: [{ name: 'success', metric: 'successRate', min: 99 }, { name: 'latency', metric: 'latency', max: 500 }] };
const T0 = new Date('2025-01-01T10:00:00Z');

function pass(name: string, value: number): CheckStatus {
  return { name, verdict: 'Pass', value, threshold: '', at: T0.toISOString() };
}

function event(reason: string, message: string, at: string, uid = 'u1'): RouterEvent {
  return { reason, message, firstTimestamp: at, involvedObject: { kind: 'Router', namespace: 'ns', name: 'page', uid } };
}

describe('samples from the events the controller writes', () => {
  it('reads the canary share and check values back from a real Step event (core/progression/analysis.ts)', () => {
    const started = beginRound(P, { v1: 0, v2: 100 }, { ...atRest(), target: { v1: 100, v2: 0 } }, undefined).status;
    const decision = afterAnalysis(P, started, [], { open: true }, T0);
    const step1 = decision.events.find((e) => e.reason === 'Step')!;
    expect(sampleFromEvent(event('Step', step1.message, T0.toISOString()))).toMatchObject({ step: 1, steps: 3, canaryWeight: 10, checks: {} });
    const next = afterAnalysis(P, decision.status, [pass('success', 99.873), pass('latency', 120)], { open: true }, T0);
    const step2 = next.events.find((e) => e.reason === 'Step')!;
    expect(step2.message).toBe('step 2/3: v1=50,v2=50; canary 50%; checks success=99.873 Pass, latency=120 Pass');
    expect(sampleFromEvent(event('Step', step2.message, T0.toISOString()))).toEqual({
      at: T0.toISOString(),
      step: 2,
      steps: 3,
      canaryWeight: 50,
      checks: { success: 99.873, latency: 120 },
      source: 'event:Step',
      label: `Step: ${step2.message}`,
    });
  });

  it('reads failing values from an Analysis event and marks the other walk events', () => {
    const failed = afterAnalysis(P, { ...atRest(), phase: 'Progressing', step: 1, steps: 3, canaryWeight: 10 }, [{ name: 'success', verdict: 'Fail', value: 70, threshold: '>= 99', message: 'success = 70, want >= 99', at: T0.toISOString() }], { open: true }, T0);
    const analysis = failed.events.find((e) => e.reason === 'Analysis')!;
    expect(sampleFromEvent(event('Analysis', analysis.message, 't'))).toMatchObject({ checks: { success: 70 }, source: 'event:Analysis' });
    expect(sampleFromEvent(event('Walk', 'walk from v1=100 to v2=100 started: 3 step(s)', 't'))).toMatchObject({ canaryWeight: 0, step: 0 });
    expect(sampleFromEvent(event('Promoted', 'promoted v2=100 after 3 step(s)', 't'))).toMatchObject({ canaryWeight: 100 });
    expect(sampleFromEvent(event('RolledBack', 'rolling back to v1=100: aborted by command', 't'))).toMatchObject({ canaryWeight: 0 });
    expect(sampleFromEvent(event('Paused', 'paused at step 1/3', 't'))).toEqual({ at: 't', checks: {}, source: 'event:Paused', label: 'Paused: paused at step 1/3' });
    // An older controller's Step event (no share): a marker, not a wrong number.
    expect(sampleFromEvent(event('Step', 'step 1/3: v1=90,v2=10', 't'))?.canaryWeight).toBeUndefined();
    expect(sampleFromEvent(event('StepApplied', 'step 1/2 apply-virtual-service', 't'))).toBeUndefined();
  });

  it('leaves out checks without a value', () => {
    expect(parseStepChecks('a=1 Pass, b=? Unknown, c=-2.5 Fail')).toEqual({ a: 1, c: -2.5 });
    expect(parseStepChecks(undefined)).toEqual({});
  });
});

function atRest(): ProgressionStatus {
  const w = { v1: 100, v2: 0 };
  return { phase: 'Promoted', promoted: w, target: w, from: w, current: w, step: 0, steps: 0, canaryWeight: 0, failures: 0, unknowns: 0 };
}

describe('the timeline of one Router', () => {
  it('merges events and watched statuses by time, dropping events of an earlier Router of the same name', () => {
    const watched = [sampleFromStatus({ phase: 'Progressing', step: 1, steps: 3, canaryWeight: 10, checks: [] }, '2025-01-01T10:00:30Z')];
    const late = sampleFromStatus({ phase: 'Progressing', step: 2, steps: 3, canaryWeight: 50, checks: [] }, '2025-01-01T10:01:00.500Z');
    const timeline = buildTimeline([event('Step', 'step 2/3: a=1; canary 50%', '2025-01-01T10:01:00Z'), event('Walk', 'walk', '2025-01-01T10:00:00Z'), event('Walk', 'old', '2024-12-01T00:00:00Z', 'old-uid')], [...watched, late], 'u1');
    // Whole-second event times sort by time against millisecond ones, not as text ('.' < 'Z').
    expect(timeline.map((s) => [s.source, s.canaryWeight])).toEqual([
      ['event:Walk', 0],
      ['watch', 10],
      ['event:Step', 50],
      ['watch', 50],
    ]);
  });

  it('appends a watched status only when what the chart shows changed, and keeps at most MAX_SAMPLES', () => {
    const s = (step: number, at: string) => sampleFromStatus({ phase: 'Progressing', step, steps: 3, canaryWeight: step * 10, checks: [{ name: 'ok', value: step, at }] }, at);
    let samples = appendWatched([], s(1, 'a'));
    samples = appendWatched(samples, s(1, 'b'));
    expect(samples).toHaveLength(1);
    samples = appendWatched(samples, s(2, 'c'));
    expect(samples.map((x) => x.checks)).toEqual([{ ok: 1 }, { ok: 2 }]);
    for (let i = 0; i < MAX_SAMPLES + 10; i++) samples = appendWatched(samples, s(i + 3, `d${i}`));
    expect(samples).toHaveLength(MAX_SAMPLES);
  });

  it('places a watched status at its checks\' judgement time when that is later; a Router at rest adds no weight, a rollback 0', () => {
    expect(sampleFromStatus({ phase: 'Progressing', step: 1, steps: 2, canaryWeight: 10, checks: [{ name: 'x', value: 1, at: '2025-01-02T00:00:00Z' }] }, '2025-01-01T00:00:00Z').at).toBe('2025-01-02T00:00:00.000Z');
    expect(sampleFromStatus({ phase: 'Promoted', step: 0, steps: 0, canaryWeight: 0 }, 't').canaryWeight).toBeUndefined();
    expect(sampleFromStatus({ phase: 'RolledBack', step: 1, steps: 2, canaryWeight: 10 }, 't').canaryWeight).toBe(0);
  });
});
