import type { Socket } from 'socket.io-client';
import { sustains, type RateStep } from '../results.js';
import { closeAll, connectAll, onMessage, send, type ChatEndpoint, type Peer } from './endpoints.js';
import { percentiles, sleep, until } from './stats.js';

export interface ChatSpec {
  endpoint: ChatEndpoint;
  /** `senders[i]` sends to `receivers[i]`. */
  senders: Peer[];
  receivers: Peer[];
  /** Where the receivers connect, when not to `endpoint` (a second server process). */
  receiverEndpoint?: ChatEndpoint;
  /** Offered rates to step through, in messages/s, lowest first. */
  rates: number[];
  stepMs: number;
  /** How long after a step's last send its messages may still arrive. */
  drainMs: number;
  /** How long to send at the lowest rate first, unmeasured (JIT, caches and pools settle). */
  warmUpMs: number;
  /** How long each rate runs, unmeasured, before its measured step. */
  leadInMs: number;
  p99BudgetMs: number;
}

/** Filler so a message is a realistic short chat line, not a few bytes. */
const TEXT = 'a short chat line of about forty characters';

/**
 * 1:1 chat, open loop: for each step, messages leave on a fixed schedule at the offered rate,
 * round-robin over the pairs, whatever the server's answers, and each one's latency is measured
 * from its scheduled send time to its arrival at the receiver (so a stalled server is charged for
 * the sends it delayed, not only for the ones it answered). Every rate runs `leadInMs` (a second in
 * a full run) before it is measured. Stops after the first step that is not sustained.
 */
export async function runChat(spec: ChatSpec): Promise<RateStep[]> {
  const senders = await connectAll(spec.endpoint, spec.senders);
  const receivers = await connectAll(spec.receiverEndpoint ?? spec.endpoint, spec.receivers);
  const latencies: number[][] = [];
  const arrived: number[] = [];
  for (const socket of receivers) {
    onMessage(spec.endpoint, socket, (body) => {
      const [step, scheduled] = body.split('|', 2);
      const index = Number(step);
      if (!(index >= 0)) return;
      latencies[index]!.push(performance.now() - Number(scheduled));
      arrived[index]!++;
    });
  }
  try {
    // Warm-up at the lowest rate, not reported: connections, JIT and caches settle.
    await step(spec, senders, spec.rates[0]!, spec.warmUpMs, -1);
    await sleep(500);
    const steps: RateStep[] = [];
    for (const [index, rate] of spec.rates.entries()) {
      latencies[index] = [];
      arrived[index] = 0;
      // Each rate first runs unmeasured, so a step measures that rate, not the change to it.
      await step(spec, senders, rate, spec.leadInMs, -1);
      const lags: number[] = [];
      const sent = await step(spec, senders, rate, spec.stepMs, index, lags);
      await until(() => arrived[index]! >= sent, spec.drainMs);
      const { p50, p99, max } = percentiles(latencies[index]!);
      // Messages still missing count as arriving after the drain: the p99 cannot hide them.
      const missing = sent - arrived[index]!;
      const p99WithMissing = missing > sent * 0.01 ? Math.max(p99, spec.stepMs + spec.drainMs) : p99;
      const result: RateStep = {
        offered: rate,
        delivered: arrived[index]! / (spec.stepMs / 1000),
        deliveredShare: sent === 0 ? 0 : arrived[index]! / sent,
        p50,
        p99: p99WithMissing,
        max: missing > 0 ? Math.max(max, spec.stepMs + spec.drainMs) : max,
        sendLag: (({ p99: lagP99, max: lagMax }) => ({ p99: lagP99, max: lagMax }))(percentiles(lags)),
      };
      steps.push(result);
      if (!sustains(result, spec.p99BudgetMs)) break;
      // Let the server settle before the next step.
      await sleep(300);
    }
    return steps;
  } finally {
    closeAll(senders);
    closeAll(receivers);
  }
}

/** Sends at `rate` for `durationMs` on schedule; resolves with how many were sent. */
async function step(spec: ChatSpec, senders: readonly Socket[], rate: number, durationMs: number, index: number, lags: number[] = []): Promise<number> {
  const started = performance.now();
  const total = Math.floor((rate * durationMs) / 1000);
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - started) * rate) / 1000));
    for (; sent < due; sent++) {
      const pair = sent % senders.length;
      const scheduled = started + (sent * 1000) / rate;
      const body = `${index}|${scheduled.toFixed(3)}|${TEXT}`;
      lags.push(performance.now() - scheduled);
      void send(spec.endpoint, senders[pair]!, spec.receivers[pair]!.userId, body, 'private');
    }
    await sleep(1);
  }
  return sent;
}
