/** Percentiles of a sample, in the sample's unit. */
export function percentiles(samples: readonly number[]): { p50: number; p99: number; max: number } {
  if (samples.length === 0) return { p50: NaN, p99: NaN, max: NaN };
  const sorted = Float64Array.from(samples).sort();
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `run(0)` to `run(count - 1)`, `concurrency` at a time, none started after `budgetMs`:
 * resolves with how many were started, so a slow backend gives fewer samples, not a run without end.
 */
export async function pool(count: number, concurrency: number, run: (i: number) => Promise<unknown>, budgetMs = Infinity): Promise<number> {
  const deadline = performance.now() + budgetMs;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count && performance.now() < deadline) await run(next++);
    }),
  );
  return next;
}

/** Resolves once `done()` holds, checking every few ms, or after `timeoutMs` (then resolves false). */
export async function until(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}
