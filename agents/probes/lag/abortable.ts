// Drivers that take no AbortSignal (kafkajs, ioredis, pg, mysql2) are raced against one instead.

/**
 * Settles like `work`, or rejects with the signal's reason as soon as `signal` aborts. The work itself
 * goes on; the caller drops the connection it ran on so nothing waits for it.
 */
export async function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    work.catch(() => undefined);
    throw reasonOf(signal);
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_resolve, reject) => {
    onAbort = () => { reject(reasonOf(signal)); };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work, aborted]);
  } finally {
    if (onAbort !== undefined) signal.removeEventListener('abort', onAbort);
  }
}

/** `signal` bounded additionally by `ms` milliseconds. */
export function withDeadline(ms: number, signal?: AbortSignal): AbortSignal {
  return signal === undefined ? AbortSignal.timeout(ms) : AbortSignal.any([AbortSignal.timeout(ms), signal]);
}

function reasonOf(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}
