/**
 * A Router's progression history for the dashboard's chart. `status.progression` holds only the
 * walk's present, so the past comes from the Router's Events (the controller's Walk, Step,
 * Analysis, Paused, Command, Promoted and RolledBack, see core/progression/) and from the
 * statuses the dashboard itself has watched since it started. Pure: plain objects in and out.
 */

/** One point of the timeline. */
export interface TimelineSample {
  /** RFC 3339 time of the event or of the watched status. */
  at: string;
  /** The canary's share of the way from the walk's start to its target, in % (undefined: unchanged). */
  canaryWeight?: number;
  step?: number;
  steps?: number;
  /** Check values judged at this point, by check name. */
  checks: Record<string, number>;
  /** `event:<Reason>` for an Event, `watch` for a status the dashboard saw. */
  source: string;
  /** What happened, for the chart's tooltip. */
  label: string;
}

/** The parts of a core/v1 Event the timeline reads. */
export interface RouterEvent {
  reason?: string;
  message?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  involvedObject?: { kind?: string; namespace?: string; name?: string; uid?: string };
  metadata?: { namespace?: string; creationTimestamp?: string };
}

/** The parts of `status.progression` the timeline reads. */
export interface WatchedProgression {
  phase: string;
  step: number;
  steps: number;
  canaryWeight: number;
  checks?: { name: string; value?: number; at: string }[];
}

/** The reasons core/progression/walk.ts and analysis.ts emit. */
export const WALK_REASONS = ['Walk', 'Step', 'Analysis', 'Paused', 'Command', 'Promoted', 'RolledBack'] as const;

/** At most this many samples per Router: hours of one-minute steps, bounded memory for a long-running dashboard. */
export const MAX_SAMPLES = 500;

const STEP = /^step (\d+)\/(\d+): [^;]*; canary (\d+)%(?:; checks (.*))?$/;
/** One check in a Step event: `name=value Verdict` (value `?` when the check had none). */
const CHECK = /^([a-z0-9-]+)=(\S+) (Pass|Fail|Unknown)$/;
/** A failing check in an Analysis event: `name = value, want >= 99`. */
const FAILED_CHECK = /([a-z0-9-]+) = (-?[\d.e+-]+), want/g;

function eventTime(e: RouterEvent): string | undefined {
  return e.firstTimestamp ?? e.eventTime ?? e.lastTimestamp ?? e.metadata?.creationTimestamp;
}

/** `success=99.5 Pass, latency=120 Pass` → `{success: 99.5, latency: 120}` (checks without a value left out). */
export function parseStepChecks(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const piece of (text ?? '').split(', ')) {
    const m = CHECK.exec(piece.trim());
    if (m === null) continue;
    const value = Number(m[2]);
    if (Number.isFinite(value)) out[m[1]!] = value;
  }
  return out;
}

/** One Event as a sample, or undefined when it is not a walk event. */
export function sampleFromEvent(e: RouterEvent): TimelineSample | undefined {
  const reason = e.reason ?? '';
  const at = eventTime(e);
  if (at === undefined || !(WALK_REASONS as readonly string[]).includes(reason)) return undefined;
  const message = e.message ?? '';
  const base = { at, checks: {}, source: `event:${reason}`, label: `${reason}: ${message}` };
  switch (reason) {
    case 'Walk':
      return { ...base, canaryWeight: 0, step: 0 };
    case 'Step': {
      const m = STEP.exec(message);
      // A Step event written by a controller older than the share/checks suffix: a marker only.
      if (m === null) return base;
      return { ...base, step: Number(m[1]), steps: Number(m[2]), canaryWeight: Number(m[3]), checks: parseStepChecks(m[4]) };
    }
    case 'Analysis':
      return { ...base, checks: Object.fromEntries([...message.matchAll(FAILED_CHECK)].map((m) => [m[1]!, Number(m[2])])) };
    case 'Promoted':
      return { ...base, canaryWeight: 100 };
    case 'RolledBack':
      return { ...base, canaryWeight: 0 };
    default:
      return base;
  }
}

/** A watched status as a sample: the step's share and the checks judged (each at its own time, the latest taken). */
export function sampleFromStatus(p: WatchedProgression, seenAt: string): TimelineSample {
  const checks: Record<string, number> = {};
  for (const c of p.checks ?? []) if (c.value !== undefined) checks[c.name] = c.value;
  const latest = Math.max(...(p.checks ?? []).map((c) => Date.parse(c.at)).filter(Number.isFinite));
  const at = latest > Date.parse(seenAt) ? new Date(latest).toISOString() : seenAt;
  const base = { at, step: p.step, steps: p.steps, checks, source: 'watch', label: `${p.phase} step ${p.step}/${p.steps}, canary ${p.canaryWeight}%` };
  // At rest (Promoted) there is no canary: the chart holds the walk's last value (100 after a promotion).
  if (p.phase === 'Promoted') return base;
  return { ...base, canaryWeight: p.phase === 'RolledBack' || p.phase === 'RollingBack' ? 0 : p.canaryWeight };
}

function sameSample(a: TimelineSample, b: TimelineSample): boolean {
  return a.canaryWeight === b.canaryWeight && a.step === b.step && JSON.stringify(a.checks) === JSON.stringify(b.checks);
}

/**
 * Appends a watched sample unless it repeats the last watched one (a status write that changed
 * nothing the chart shows); keeps at most MAX_SAMPLES.
 */
export function appendWatched(samples: readonly TimelineSample[], next: TimelineSample): TimelineSample[] {
  const last = samples.findLast((s) => s.source === 'watch');
  if (last !== undefined && sameSample(last, next)) return [...samples];
  return [...samples, next].slice(-MAX_SAMPLES);
}

/**
 * The timeline of one Router: its walk events (only those about this Router's uid when it is
 * known, so a deleted and recreated Router starts afresh) and the watched samples, by time.
 */
export function buildTimeline(events: readonly RouterEvent[], watched: readonly TimelineSample[], uid: string | undefined): TimelineSample[] {
  const fromEvents = events
    .filter((e) => uid === undefined || e.involvedObject?.uid === undefined || e.involvedObject.uid === uid)
    .map(sampleFromEvent)
    .filter((s): s is TimelineSample => s !== undefined);
  // By parsed time: Event timestamps have whole seconds (`…:19Z`), watched ones milliseconds (`…:19.665Z`).
  return [...fromEvents, ...watched].sort((a, b) => Date.parse(a.at) - Date.parse(b.at)).slice(-MAX_SAMPLES);
}
