import { StoreUnavailableError } from './counter-store.ts';

/**
 * Settles like `work`, or rejects with StoreUnavailableError once `deadlineMs` has passed,
 * whichever comes first. `work` is not cancelled: a counting call that is already on its way
 * may still be applied (it then counts once; nothing resends it).
 */
export function withDeadline<T>(work: Promise<T>, deadlineMs: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StoreUnavailableError(`${what}: no answer within the ${deadlineMs} ms deadline`)), Math.max(0, deadlineMs));
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err instanceof Error ? err : new Error(String(err)));
      },
    );
  });
}
