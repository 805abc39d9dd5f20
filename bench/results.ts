/**
 * What `npm run bench` measures, as written to `bench/results/<date>-<commit>.json` and rendered
 * into the table, the chart and docs/benchmarks.md. Every figure of Parley sits beside the figure
 * of its baseline measured in the same run, so the ratio holds on any machine.
 */

/** Which server answered: Parley on a backend, or the baseline it is compared with. */
export type Backend = 'memory' | 'sqlite' | 'mongodb+redis' | 'mongodb+redis, 2 processes';

/** One step of an open-loop run: `offered` messages/s were sent on schedule for the step. */
export interface RateStep {
  /** Messages per second sent, on a fixed schedule (open loop). */
  offered: number;
  /** Messages per second delivered to their receiver during the step and its drain. */
  delivered: number;
  /** Share of the step's messages delivered by the end of its drain, 0..1. */
  deliveredShare: number;
  /** Latency from each message's scheduled send time to its delivery, in milliseconds. */
  p50: number;
  p99: number;
  max: number;
  /**
   * How late the load generator itself sent, behind the schedule (p99 and max, ms): when it is
   * large the load side, not the server, was too slow for the rate.
   */
  sendLag?: { p99: number; max: number };
}

/** An open-loop run stepped up until it no longer keeps up (see {@link sustains}). */
export interface SteppedRun {
  scenario: string;
  /** `parley` or `baseline`. */
  target: 'parley' | 'baseline';
  backend: Backend | null;
  steps: RateStep[];
  /** The highest offered rate whose step was sustained; 0 when none was. */
  sustained: number;
}

/** One figure of Parley, its baseline's, and their ratio. */
export interface Measurement {
  scenario: string;
  /** What is measured, e.g. `deliveries/s`, `p99 ms`, `KiB per connection`. */
  metric: string;
  backend: Backend;
  parley: number;
  /** The baseline's figure in the same run; null where there is no meaningful baseline. */
  baseline: number | null;
  /** Whether a higher figure is better (rates) or a lower one (latency, memory). */
  better: 'higher' | 'lower';
  /** parley / baseline, or null without a baseline. */
  ratio: number | null;
  note?: string;
}

export interface BenchResults {
  /** ISO time the run started. */
  startedAt: string;
  /** `git rev-parse --short HEAD`, with `-dirty` when the tree had changes. */
  commit: string;
  node: string;
  socketIo: string;
  cores: number;
  /** Whether server and load generator ran on different cores (`taskset`). */
  pinned: boolean;
  quick: boolean;
  /** Sizes, durations and thresholds the run used. */
  settings: Record<string, number | string | boolean>;
  measurements: Measurement[];
  runs: SteppedRun[];
}

/** A step is sustained when its p99 stays within the budget and (nearly) everything offered arrived. */
export function sustains(step: RateStep, p99BudgetMs: number): boolean {
  return step.p99 <= p99BudgetMs && step.deliveredShare >= 0.999;
}
