import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProductionServer, type ProductionServer } from './support/processes.js';

/** Nice value of each thread of `pid` (field 19 of /proc/<pid>/task/<tid>/stat). */
function niceByThread(pid: number): Map<number, number> {
  const nice = new Map<number, number>();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    nice.set(Number(tid), Number(fields[16]));
  }
  return nice;
}

describe.runIf(process.platform === 'linux')('helper threads yield the core to the event loop', () => {
  let server: ProductionServer;
  beforeAll(async () => {
    server = await startProductionServer();
  });
  afterAll(() => server?.stop());

  it('runs the event loop at normal priority and every other thread at nice 10 (the default)', () => {
    const nice = niceByThread(server.pid);
    expect(nice.get(server.pid)).toBe(0);
    const helpers = [...nice].filter(([tid]) => tid !== server.pid);
    // V8's platform workers at least.
    expect(helpers.length).toBeGreaterThanOrEqual(4);
    for (const [tid, value] of helpers) expect({ tid, nice: value }).toEqual({ tid, nice: 10 });
  });

  it('leaves them as they are with HELPER_THREAD_NICE=0', async () => {
    const plain = await startProductionServer(10_000, { HELPER_THREAD_NICE: '0' });
    try {
      expect(new Set(niceByThread(plain.pid).values())).toEqual(new Set([0]));
    } finally {
      await plain.stop();
    }
  });
});
