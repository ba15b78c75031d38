/**
 * Runs independent chains of statements of one transaction at once, so their statements share
 * round trips: postgres.js writes each on the transaction's connection without waiting for
 * the one before (PGlite takes them in turn). PostgreSQL still runs them in the order they were
 * sent, and a chain sends its first statement when it is called, so a chain that refers to
 * rows another writes goes after it in the list.
 *
 * Unlike Promise.all, this settles only once every chain has settled: a chain still running
 * when another failed would otherwise send its next statement after the transaction has been
 * rolled back, on a connection that may already serve someone else. It rejects with the error
 * that came first (the other chains then usually fail with "current transaction is aborted").
 */
export async function pipelined<T extends readonly unknown[]>(...chains: { [K in keyof T]: Promise<T[K]> }): Promise<T> {
  let first: { err: unknown } | null = null;
  const settled = await Promise.allSettled(chains.map((c) => c.catch((err: unknown) => {
    first ??= { err };
    throw err;
  })));
  if (first) throw (first as { err: unknown }).err;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}
