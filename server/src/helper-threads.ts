import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import type { Logger } from './logger.js';

/** How often threads started since the last pass are looked for (libuv's pool starts lazily). */
const RESCAN_MS = 60_000;

/**
 * Gives every thread of this process but the main one (the event loop) the nice value `nice`, on
 * Linux, and keeps doing so for threads started later.
 *
 * Why: a Node process has helper threads beside its event loop: V8's platform workers (concurrent
 * marking and sweeping of the garbage collector, the optimising compiler) and libuv's pool (file
 * system, DNS, scrypt). When the core the event loop runs on is busy, the kernel shares it equally
 * among runnable threads, so a burst of concurrent marking on four workers leaves the event loop a
 * fifth of the core for as long as it lasts. Measured on a server pinned to one core at 1,000
 * messages/s: the event loop waited on the run queue for 100-200 ms, about once in 10 s, while
 * the four V8 workers ran, and every send queued behind it (p99 above 100 ms in about half of the
 * 5-second steps). At nice 10 each helper weighs a tenth of the event loop, which then keeps about
 * 70 % of the core through such a burst: no step of 1,000 messages/s went above 50 ms.
 *
 * Not more: on a saturated core a helper at nice 19 gets almost nothing, so the optimising
 * compiler falls minutes behind and the event loop runs slower code (signed REST at saturation
 * lost about a third of its throughput at 19, a tenth at 10). V8 finishes marking on the main
 * thread when its workers fall behind, so nothing waits on them forever.
 *
 * Linux only: there `setpriority` on a thread ID changes that thread alone, and raising one's own
 * nice value needs no privilege. Elsewhere, or with `nice` 0, nothing is changed.
 */
export function lowerHelperThreadPriority(nice: number, logger: Logger): void {
  if (process.platform !== 'linux' || nice === 0) return;
  const pass = () => {
    let threads: string[];
    try {
      threads = readdirSync('/proc/self/task');
    } catch (error) {
      logger.warn({ err: error }, 'cannot list this process\'s threads; their priority is left as it is');
      return false;
    }
    for (const name of threads) {
      const tid = Number(name);
      if (tid === process.pid) continue;
      try {
        if (getPriority(tid) < nice) setPriority(tid, nice);
      } catch {
        // The thread ended between the listing and the call.
      }
    }
    return true;
  };
  // The timer never holds the process open: shutting down needs no call to stop it.
  if (pass()) setInterval(pass, RESCAN_MS).unref();
}
