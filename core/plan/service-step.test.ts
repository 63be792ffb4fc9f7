import { describe, expect, it } from 'vitest';
import { renderRouter } from '../router/render-router.ts';
import { makeRouter } from '../router/router-fixtures.ts';
import { planRouter } from './router-plan.ts';
import { planServiceStep, type LiveService } from './service-step.ts';

const ROUTER = { namespace: 'shop', name: 'reviews' };
const rendered = renderRouter(makeRouter({ port: 9080, subsets: [{ branch: 'master' }], ownService: true }, { ...ROUTER, uid: 'u1' }));
const desired = rendered.service;
const controlledBy = (kind: string, name: string, controller?: boolean): LiveService => ({ metadata: { ownerReferences: [{ kind, name, ...(controller === undefined ? {} : { controller }) }] } });

describe('planServiceStep', () => {
  it.each([
    ['owned: applied whether or not it is live', desired, controlledBy('Router', 'reviews', true), 'apply-service'],
    ['owned, nothing live', desired, undefined, 'apply-service'],
    ['not owned, ours live: deleted', undefined, controlledBy('Router', 'reviews', true), 'delete-service'],
    ['not owned, another Router’s', undefined, controlledBy('Router', 'ratings', true), undefined],
    ['not owned, a non-controller reference', undefined, controlledBy('Router', 'reviews'), undefined],
    ['not owned, another kind’s', undefined, controlledBy('RateLimit', 'reviews', true), undefined],
    ['not owned, no owner', undefined, { metadata: {} }, undefined],
    ['not owned, nothing live', undefined, undefined, undefined],
  ])('%s', (_, want, live, action) => {
    expect(planServiceStep(ROUTER, want, live)?.action).toBe(action);
  });

  it('names the Service it deletes after the Router', () => {
    expect(planServiceStep(ROUTER, undefined, controlledBy('Router', 'reviews', true))).toEqual({ action: 'delete-service', namespace: 'shop', name: 'reviews' });
  });
});

describe('planRouter', () => {
  it('plans the Service step first, then the make-before-break steps', () => {
    const plan = planRouter(ROUTER, { service: null }, rendered);
    expect(plan.service).toEqual({ action: 'apply-service', object: desired });
    expect(plan.steps.map((s) => s.action)).toEqual(['apply-union-destination-rule', 'apply-virtual-service']);
  });
});
