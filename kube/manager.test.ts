import { describe, expect, it } from 'vitest';
import { ISTIO_FILTER, ROUTER, VIRTUAL_SERVICE } from '../controllers/scheme.ts';
import { eventKeys } from './manager.ts';
import type { Cache, ControllerSpec, KubeObject } from './types.ts';

const NS = 'shop';
const emptyCache: Cache = { get: () => undefined, list: () => [] };

/** A Router-like controller: its own kind, plus filters mapped to the Router they target. */
const spec: ControllerSpec = {
  name: 'router',
  primary: ROUTER,
  watches: [{ kind: ISTIO_FILTER, map: (obj) => [{ namespace: NS, name: (obj.spec as { target: string }).target }] }],
  reconcile: () => Promise.resolve({ kind: 'done' }),
};

function filter(target: string): KubeObject {
  return { apiVersion: ISTIO_FILTER.apiVersion, kind: ISTIO_FILTER.kind, metadata: { name: 'f', namespace: NS }, spec: { target } };
}

function router(name: string): KubeObject {
  return { apiVersion: ROUTER.apiVersion, kind: ROUTER.kind, metadata: { name, namespace: NS } };
}

describe('eventKeys', () => {
  it.each([
    ['an added filter → its target', ISTIO_FILTER, [filter('a')], ['a']],
    ['a filter retargeted from a to b → both Routers', ISTIO_FILTER, [filter('b'), filter('a')], ['b', 'a']],
    ['an update that keeps the target → that Router once', ISTIO_FILTER, [filter('a'), filter('a')], ['a']],
    ['a primary update → its own key once', ROUTER, [router('a'), router('a')], ['a']],
    ['a kind the controller does not watch → nothing', VIRTUAL_SERVICE, [router('a')], []],
  ])('%s', (_what, kind, objects, names) => {
    expect(eventKeys(spec, kind, objects, emptyCache)).toEqual(names.map((name) => ({ namespace: NS, name })));
  });
});
