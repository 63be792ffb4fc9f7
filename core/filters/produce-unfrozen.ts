import { Immer } from 'immer';

/**
 * Immer's `produce` without auto-freeze. Freezing would also freeze the caller's untouched base
 * objects (shared into the result), a side effect on inputs that later code would trip over.
 * Results share unchanged subtrees with their base: treat both as immutable.
 */
export const produceUnfrozen = new Immer({ autoFreeze: false }).produce;
