/**
 * Asks the API server whether the Router's objects, laid out without the filters in `excluded`
 * (identities from the chain), are accepted: undefined when they are, else the server's message.
 */
export type RejectionProbe = (excluded: ReadonlySet<string>) => Promise<string | undefined>;

/** Who the API server's refusal comes from. */
export type RejectionVerdict =
  /** The Router's own objects are refused even with every filter left out. */
  | { kind: 'router'; message: string }
  /** These filters (identity → the server's message when the filter was added) make it refuse; without them it accepts. */
  | { kind: 'filters'; rejected: Map<string, string> };

/**
 * Finds the filters responsible for a refusal of the layered objects, with dry runs (`probe`).
 * `chain` holds the identities of the filters applied, in layering order; `message` is the
 * refusal of the whole chain.
 *
 * First the Router alone: refused → the Router's own objects are the problem. Otherwise the
 * culprit is the first filter whose addition turns an accepted prefix of the chain into a refused
 * one — the layering's own rule ("a filter that breaks the result is skipped; the chain goes on
 * from the state before it"). The search tries the chain without its last filter first (most
 * often the filter just added is the one), then bisects; with that culprit left out it checks the
 * whole chain again and repeats from where it stopped, so several culprits are found in turn.
 * Cost: 2 dry runs for one culprit at the end of the chain, about log2(n) + 2 per culprit otherwise.
 * A probe's error (not a refusal) propagates.
 */
export async function findRejectedFilters(chain: readonly string[], message: string, probe: RejectionProbe): Promise<RejectionVerdict> {
  if (chain.length === 0) return { kind: 'router', message };
  const alone = await probe(new Set(chain));
  if (alone !== undefined) return { kind: 'router', message: alone };
  const rejected = new Map<string, string>();
  let accepted = 0;
  let refusal: string | undefined = message;
  while (refusal !== undefined) {
    const found = await firstRefusedPrefix(chain, rejected, accepted, refusal, probe);
    // Past every culprit found so far: each round moves on, so the search ends even if the server is inconsistent.
    rejected.set(chain[found.length - 1] as string, found.message);
    accepted = found.length;
    refusal = accepted >= chain.length ? undefined : await probe(excludedFrom(chain, rejected, chain.length));
  }
  return { kind: 'filters', rejected };
}

/** Everything the prefix of `length` filters leaves out: the filters after it, and those already rejected. */
function excludedFrom(chain: readonly string[], rejected: ReadonlyMap<string, string>, length: number): Set<string> {
  return new Set([...rejected.keys(), ...chain.slice(length)]);
}

/**
 * The shortest refused prefix, knowing the prefix of `accepted` filters is accepted and the whole
 * chain is refused with `refusal`: its length and the server's message for it.
 */
async function firstRefusedPrefix(
  chain: readonly string[],
  rejected: ReadonlyMap<string, string>,
  accepted: number,
  refusal: string,
  probe: RejectionProbe,
): Promise<{ length: number; message: string }> {
  let lo = accepted;
  let hi = chain.length;
  let message = refusal;
  let first = true;
  while (hi - lo > 1) {
    const mid = first ? hi - 1 : Math.floor((lo + hi) / 2);
    first = false;
    const answer = await probe(excludedFrom(chain, rejected, mid));
    if (answer === undefined) lo = mid;
    else [hi, message] = [mid, answer];
  }
  return { length: hi, message };
}
