import { StoreUnavailableError } from './counter-store.ts';

/**
 * Calls `onLate` once `deadlineMs` have passed and the event loop has then polled its sockets,
 * unless the returned function cancels it first.
 *
 * Why the poll: a deadline bounds the store (Redis), not our own queueing. Under a burst our event
 * loop can be busy for longer than the deadline; a reply that reached the socket in time then
 * waits unread. Each turn of Node's loop runs due timers before it polls for I/O, so a bare timer
 * would fire first and throw away an answer that is already here. The check therefore runs in the
 * check phase (setImmediate) after the poll phase, when everything that has arrived has been
 * read: only a reply that has not arrived by then is late.
 */
export function afterDeadline(deadlineMs: number, onLate: () => void): () => void {
  let check: NodeJS.Immediate | undefined;
  const timer = setTimeout(() => {
    check = setImmediate(onLate);
  }, Math.max(0, deadlineMs));
  return () => {
    clearTimeout(timer);
    if (check !== undefined) clearImmediate(check);
  };
}

interface Bounded {
  settled: boolean;
  reject: (err: Error) => void;
}

/**
 * Bounds promises by a deadline with one timer per turn of the event loop. The clock of the
 * promises handed to `bound` in one turn starts in the check phase after it — once the turn's
 * work (for a burst: decoding every call that arrived together) is done, where a store sends
 * what that turn asked for — and expires as `afterDeadline` says. A promise still pending then
 * is rejected with StoreUnavailableError; the work is not cancelled (a counting call that is on
 * its way may still be applied, once; nothing resends it).
 */
export class DeadlineGuard {
  readonly #deadlineMs: number;
  readonly #what: string;
  #turn: Bounded[] | undefined;

  constructor(deadlineMs: number, what: string) {
    this.#deadlineMs = deadlineMs;
    this.#what = what;
  }

  bound<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Bounded = { settled: false, reject };
      work.then(
        (value) => {
          entry.settled = true;
          resolve(value);
        },
        (err: unknown) => {
          entry.settled = true;
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
      this.#join(entry);
    });
  }

  #join(entry: Bounded): void {
    if (this.#turn === undefined) {
      const turn: Bounded[] = (this.#turn = []);
      setImmediate(() => {
        this.#turn = undefined;
        afterDeadline(this.#deadlineMs, () => {
          // Built only when a promise is late: an Error captures a stack, ~0.5% of a loaded server's CPU per turn (profile).
          if (turn.every((e) => e.settled)) return;
          const err = new StoreUnavailableError(`${this.#what}: no answer within the ${this.#deadlineMs} ms deadline`);
          for (const e of turn) if (!e.settled) e.reject(err);
        });
      });
    }
    this.#turn.push(entry);
  }
}
