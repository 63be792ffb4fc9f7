import { describe, expect, it } from 'vitest';
import { commandRefusal } from './progression-command.ts';
import { parseWeights, routerView, routerViews, type RouterView } from './router-view.ts';
import { namespaceFilters, walkingRouter } from './view-fixtures.test-support.ts';

describe('routerView', () => {
  const view = routerView(walkingRouter(), namespaceFilters());

  it('shows each branch with its declared and its live weights (status.weights for the default branch)', () => {
    expect(view.branches).toEqual([
      { branch: 'main', default: true, versions: [{ version: 'v1', declared: 50, live: 90 }, { version: 'v2', declared: 50, live: 10 }], match: [] },
      { branch: 'box-1', default: false, versions: [], match: ['header x-branch=box-1', 'baggage'] },
    ]);
    expect(view).toMatchObject({ host: 'reviews.shop.svc.cluster.local', port: 9080, protocol: 'http', propagation: 'verified', phase: 'Progressing', generation: 4, observedGeneration: 4 });
  });

  it('orders the filters targeting the Router (by name or host) as they apply: priority, then creation time, then name', () => {
    expect(view.filters.map((f) => `${f.order} ${f.name}`)).toEqual(['1 chaos', '2 early-cors', '3 late-timeout', '4 retries']);
    expect(view.filters[0]).toMatchObject({ priority: -5, target: { host: 'reviews.shop.svc.cluster.local' }, expiresAt: '2026-01-01T11:00:00Z', phase: 'Applied', patches: [{ index: 0, type: 'fault', applied: true }] });
    expect(view.filters[1]?.patches).toEqual([
      { index: 0, type: 'corsPolicy', applied: false, reason: 'rolled back' },
      { index: 1, type: 'jsonPatch', applied: false, reason: 'bad path' },
    ]);
    // No status yet: the patch types come from the spec, nothing is claimed about them.
    expect(view.filters[2]).toMatchObject({ name: 'late-timeout', patches: [{ index: 0, type: 'timeout' }] });
    expect(view.filters[2]?.phase).toBeUndefined();
    expect(view.filters[2]?.patches[0]?.applied).toBeUndefined();
  });

  it('carries the step in progress with its proxies and the walk with its checks, limits and command', () => {
    expect(view.step).toEqual({ number: 2, total: 3, action: 'apply-virtual-service', kind: 'VirtualService', name: 'reviews', startedAt: '2026-01-01T10:05:00Z', confirmedProxies: 2, checkedProxies: 3 });
    expect(view.walk).toEqual({ stepWeights: [20, 50], interval: '30s', pauseAt: [50], failureLimit: 2, checks: ['success'] });
    expect(view.progression).toMatchObject({ phase: 'Progressing', step: 1, steps: 3, canaryWeight: 20, failures: 1, failureLimit: 2, nextStepAt: '2026-01-01T10:05:30Z', command: 'resume@xyz' });
    expect(view.progression?.checks).toEqual([{ name: 'success', verdict: 'Fail', value: 97.25, threshold: '>= 99', at: '2026-01-01T10:05:00Z' }]);
    // The annotation says pause@abc, the controller last took resume@xyz: not acted on yet.
    expect(view.command).toEqual({ value: 'pause@abc', acknowledged: false });
    expect(view.generated.map((g) => g.kind)).toEqual(['DestinationRule', 'VirtualService']);
    expect(view.problems).toEqual([]);
  });

  it('names a spec it cannot read instead of throwing, and still shows the status', () => {
    const broken = { ...walkingRouter(), spec: { port: 'eighty', subsets: [] } };
    const v = routerView(broken, []);
    expect(v.problems).toEqual([expect.stringMatching(/^spec does not match the Router schema: .* \(at port\)$/)]);
    expect(v.branches).toEqual([]);
    expect(v.phase).toBe('Progressing');
  });

  it('reports the default branch as not live yet before the controller wrote status.weights', () => {
    const fresh = { ...walkingRouter(), status: undefined };
    const v = routerView(fresh, []);
    expect(v.branches[0]?.versions).toEqual([{ version: 'v1', declared: 50, live: undefined }, { version: 'v2', declared: 50, live: undefined }]);
    expect(v.progression).toBeUndefined();
    expect(v.conditions).toEqual([]);
  });

  it('sorts Routers by namespace then name', () => {
    const a = { ...walkingRouter(), metadata: { name: 'b', namespace: 'x' } };
    const b = { ...walkingRouter(), metadata: { name: 'a', namespace: 'y' } };
    const c = { ...walkingRouter(), metadata: { name: 'a', namespace: 'x' } };
    expect(routerViews([a, b, c], []).map((v) => `${v.namespace}/${v.name}`)).toEqual(['x/a', 'x/b', 'y/a']);
  });

  it('parses status.weights leniently', () => {
    expect(parseWeights('v1=90,v2=10')).toEqual({ v1: 90, v2: 10 });
    expect(parseWeights('')).toEqual({});
    expect(parseWeights('v1=x,=3,v2=5')).toEqual({ v2: 5 });
  });
});

describe('commandRefusal: what the controller would not act on', () => {
  const withPhase = (phase: string | undefined, walked = true): RouterView => {
    const router = walkingRouter();
    const spec = router.spec as Record<string, unknown>;
    if (!walked) delete spec.progression;
    const status = router.status as { progression?: { phase: string } };
    if (phase === undefined) delete status.progression;
    else if (status.progression) status.progression.phase = phase;
    return routerView(router, []);
  };

  it.each([
    ['promote', 'Progressing', undefined],
    ['promote', 'Paused', undefined],
    ['abort', 'Progressing', undefined],
    ['abort', 'Paused', undefined],
    ['pause', 'Progressing', undefined],
    ['resume', 'Paused', undefined],
    ['pause', 'Paused', 'Router shop/reviews: the walk is already paused at step 1/3 (resume or promote it)'],
    ['resume', 'Progressing', 'Router shop/reviews: the walk is not paused (phase Progressing, step 1/3); nothing to resume'],
    ['promote', 'Promoted', "Router shop/reviews: no walk in progress to promote (progression phase Promoted: change the default branch's weights to start one)"],
    ['abort', 'RolledBack', 'Router shop/reviews: no walk in progress to abort (progression phase RolledBack)'],
    ['abort', 'RollingBack', 'Router shop/reviews: no walk in progress to abort (progression phase RollingBack)'],
  ] as const)('%s while %s → %s', (verb, phase, refusal) => {
    expect(commandRefusal(withPhase(phase), verb)).toBe(refusal);
  });

  it('refuses a Router without spec.progression, and one whose walk state the controller has not written', () => {
    expect(commandRefusal(withPhase('Progressing', false), 'promote')).toBe('Router shop/reviews has no spec.progression: its weights apply at once, there is no walk to promote');
    expect(commandRefusal(withPhase(undefined), 'abort')).toBe('Router shop/reviews has no walk state yet (status.progression is empty: has the controller reconciled it?)');
  });
});
