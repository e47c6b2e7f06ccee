/**
 * A subscriber's inbox: at most `max` events wait for a slow client. One more and the queue is
 * emptied, and the subscriber's next (and last) event is `overflowError`, after which it ends:
 * a client that cannot keep up is dropped, clearly, instead of growing the server's memory.
 * `end(error)` ends it the same way for any other reason (an expired credential).
 */
export interface BoundedQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  /** Drops what waits; the reader's next (and last) result is `error`. */
  end(error: Error): void;
  /** Events waiting right now. */
  readonly size: number;
}

export function boundedQueue<T>(options: {
  max: number;
  overflowError: () => Error;
  onClose?: () => void;
}): BoundedQueue<T> {
  const waiting: T[] = [];
  let pull: ((result: IteratorResult<T>) => void) | undefined;
  let fail: ((error: Error) => void) | undefined;
  /** The error the reader gets next, after which the queue is closed. */
  let final: Error | undefined;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    waiting.length = 0;
    options.onClose?.();
  };

  const end = (error: Error) => {
    if (closed || final) return;
    waiting.length = 0;
    if (fail) {
      const reject = fail;
      pull = fail = undefined;
      close();
      reject(error);
      return;
    }
    final = error;
  };

  const queue: BoundedQueue<T> = {
    get size() {
      return waiting.length;
    },
    push(value) {
      if (closed || final) return;
      if (pull) {
        const resolve = pull;
        pull = fail = undefined;
        resolve({ value, done: false });
        return;
      }
      if (waiting.length >= options.max) {
        end(options.overflowError());
        return;
      }
      waiting.push(value);
    },
    end,
    next() {
      if (waiting.length > 0) return Promise.resolve({ value: waiting.shift()!, done: false });
      if (final && !closed) {
        close();
        return Promise.reject(final);
      }
      if (closed) return Promise.resolve({ value: undefined, done: true });
      return new Promise<IteratorResult<T>>((resolve, reject) => {
        pull = resolve;
        fail = reject;
      });
    },
    return() {
      close();
      const resolve = pull;
      pull = fail = undefined;
      resolve?.({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    throw(error) {
      close();
      fail?.(error as Error);
      pull = fail = undefined;
      return Promise.reject(error);
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}
