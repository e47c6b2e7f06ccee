/**
 * A subscriber's inbox: at most `max` events wait for a slow client. One more and the queue is
 * emptied, and the subscriber's next (and last) event is `overflowError`, after which it ends:
 * a client that cannot keep up is dropped, clearly, instead of growing the server's memory.
 */
export interface BoundedQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
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
  let overflowed = false;
  let closed = false;

  const close = () => {
    if (closed) return;
    closed = true;
    waiting.length = 0;
    options.onClose?.();
  };

  const queue: BoundedQueue<T> = {
    get size() {
      return waiting.length;
    },
    push(value) {
      if (closed || overflowed) return;
      if (pull) {
        const resolve = pull;
        pull = fail = undefined;
        resolve({ value, done: false });
        return;
      }
      if (waiting.length >= options.max) {
        overflowed = true;
        waiting.length = 0;
        return;
      }
      waiting.push(value);
    },
    next() {
      if (waiting.length > 0) return Promise.resolve({ value: waiting.shift()!, done: false });
      if (overflowed && !closed) {
        close();
        return Promise.reject(options.overflowError());
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
