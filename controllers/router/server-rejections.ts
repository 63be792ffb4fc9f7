import { DEFAULT_NAMESPACE } from '../../api/meta.ts';
import { specEqual } from '../../lib/spec-equal.ts';

/** Enough of a Router or IstioFilter to say which one, and which version of its spec, was judged. */
export interface JudgedObject {
  metadata: { name: string; namespace?: string; uid?: string; generation?: number };
}

/** The API server refused a filter's result: its own words, for the filter generation it judged. */
export interface FilterRejection {
  generation: number | undefined;
  message: string;
}

/** What this process learnt about one generation of one Router. */
interface Verdict {
  uid: string | undefined;
  generation: number | undefined;
  /** True once this generation was applied (or every refusal found): `filters` is the whole story. */
  known: boolean;
  /** Refused filters, by `filterIdentity`. */
  filters: Map<string, FilterRejection>;
  /** An object of the Router's own that the API server refused even without any filter. */
  own?: { object: unknown; message: string };
}

/** The identity a rejection is recorded under: the filter's uid (a re-created filter is a new one), else namespace/name. */
export function filterIdentity(filter: JudgedObject): string {
  return filter.metadata.uid ?? `${filter.metadata.namespace ?? DEFAULT_NAMESPACE}/${filter.metadata.name}`;
}

function routerKey(router: JudgedObject): string {
  return `${router.metadata.namespace ?? DEFAULT_NAMESPACE}/${router.metadata.name}`;
}

/**
 * What the API server (schema, CEL rules, admission webhooks such as istiod's validator) refused
 * of each Router's layered objects, as this controller process found out by writing them and by
 * dry runs. The Router reconcile records it; the Router and IstioFilter reconciles both lay their
 * filters out through it (`routingWithRejections`), so a filter the server refused is `Skipped`
 * in both and never written again.
 *
 * A verdict holds for one Router uid + generation and, per filter, one filter uid + generation:
 * editing either (or re-creating it) asks the API server again. It lives in memory on purpose: the
 * answer depends on the API server's admission chain (Istio's CRD version, istiod's webhook), which
 * can change while no Switchyard object does, so a restarted controller asks once more instead of
 * trusting a remembered refusal — one refused write and a few dry runs per affected Router.
 */
export class ServerRejections {
  readonly #routers = new Map<string, Verdict>();

  /**
   * The filters refused for the Router's current generation; undefined when this process has not
   * yet applied that generation (the IstioFilter reconcile then keeps a filter's last refusal).
   */
  filters(router: JudgedObject): ReadonlyMap<string, FilterRejection> | undefined {
    const verdict = this.#current(router);
    return verdict?.known === true ? verdict.filters : undefined;
  }

  /** Records refused filters of the Router's current generation (the rest were accepted). */
  rejectFilters(router: JudgedObject, refused: ReadonlyMap<string, FilterRejection>): void {
    const verdict = this.#entry(router);
    for (const [id, rejection] of refused) verdict.filters.set(id, rejection);
    verdict.known = true;
  }

  /** The Router's current generation is live as desired: whatever was not refused was accepted. */
  settle(router: JudgedObject): void {
    const verdict = this.#entry(router);
    verdict.known = true;
    delete verdict.own;
  }

  /** Records that the API server refuses `object`, one of the Router's own, even without filters. */
  rejectOwn(router: JudgedObject, object: unknown, message: string): void {
    this.#entry(router).own = { object, message };
  }

  /** The refusal recorded for exactly this object at the Router's current generation, if any. */
  ownRejection(router: JudgedObject, object: unknown): string | undefined {
    const own = this.#current(router)?.own;
    return own !== undefined && specEqual(own.object, object) ? own.message : undefined;
  }

  /** Drops what is known of a Router (deleted). */
  forget(router: { namespace: string; name: string }): void {
    this.#routers.delete(`${router.namespace}/${router.name}`);
  }

  #current(router: JudgedObject): Verdict | undefined {
    const verdict = this.#routers.get(routerKey(router));
    return verdict && verdict.uid === router.metadata.uid && verdict.generation === router.metadata.generation ? verdict : undefined;
  }

  #entry(router: JudgedObject): Verdict {
    const current = this.#current(router);
    if (current) return current;
    const fresh: Verdict = { uid: router.metadata.uid, generation: router.metadata.generation, known: false, filters: new Map() };
    this.#routers.set(routerKey(router), fresh);
    return fresh;
  }
}

/** The process's one record, shared by its Router and IstioFilter controllers (both run in the leader). */
export const processRejections = new ServerRejections();
