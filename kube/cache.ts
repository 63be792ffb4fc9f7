import { id } from './kinds.ts';
import type { Informer } from './informer.ts';
import type { Cache, KindRef, KubeObject, ObjectKey } from './types.ts';

/** The Cache reconcilers read: one informer store per kind. Unknown kinds throw, naming the kind. */
export class InformerCache implements Cache {
  readonly #informers = new Map<string, Informer>();

  add(informer: Informer): void {
    this.#informers.set(id(informer.kind), informer);
  }

  informer(kind: KindRef): Informer {
    const inf = this.#informers.get(id(kind));
    if (!inf) throw new Error(`cache: kind ${id(kind)} is not watched; watched: ${[...this.#informers.keys()].sort().join(', ')}`);
    return inf;
  }

  has(kind: KindRef): boolean {
    return this.#informers.has(id(kind));
  }

  get<T extends KubeObject = KubeObject>(kind: KindRef, key: ObjectKey): T | undefined {
    return this.informer(kind).get(key.namespace, key.name) as T | undefined;
  }

  list<T extends KubeObject = KubeObject>(kind: KindRef, namespace?: string): T[] {
    return this.informer(kind).list(namespace) as T[];
  }

  get synced(): boolean {
    return [...this.#informers.values()].every((i) => i.synced);
  }

  all(): Informer[] {
    return [...this.#informers.values()];
  }
}
