/**
 * The load generator: a process of its own (pinned to another core than the server), so the
 * server never shares its event loop or core with the clients measuring it. It runs one job per
 * process, sent by the orchestrator over IPC, and answers with the job's result.
 */
import { runChat, type ChatSpec } from './chat.js';
import { runFanOut, type FanOutSpec } from './fanout.js';
import { runForged, type ForgedSpec } from './forged.js';
import { runIdle, type IdleSpec } from './idle.js';
import { runReads, type ReadsSpec } from './reads.js';
import { runRest, type RestSpec } from './rest.js';
import { runStorm, type StormSpec } from './storm.js';

export type Job =
  | { scenario: 'chat'; spec: ChatSpec }
  | { scenario: 'fan-out'; spec: FanOutSpec }
  | { scenario: 'idle'; spec: IdleSpec }
  | { scenario: 'rest'; spec: RestSpec }
  | { scenario: 'forged'; spec: ForgedSpec }
  | { scenario: 'reads'; spec: ReadsSpec }
  | { scenario: 'storm'; spec: StormSpec };

async function run(job: Job): Promise<unknown> {
  switch (job.scenario) {
    case 'chat':
      return runChat(job.spec);
    case 'fan-out':
      return runFanOut(job.spec);
    case 'idle':
      return runIdle(job.spec);
    case 'rest':
      return runRest(job.spec);
    case 'forged':
      return runForged(job.spec);
    case 'reads':
      return runReads(job.spec);
    case 'storm':
      return runStorm(job.spec);
  }
}

process.once('message', (job: Job) => {
  run(job).then(
    (result) => process.send!({ ok: true, result }, () => process.exit(0)),
    (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1)),
  );
});
