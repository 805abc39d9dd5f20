import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Buckets of the HTTP latency histogram, in seconds. */
const HTTP_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Buckets of the socket ack latency histogram, in seconds: acks are a step faster than HTTP. */
const ACK_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export interface MetricsOptions {
  /**
   * Also collect prom-client's process metrics (CPU, memory, event-loop lag, GC). They keep
   * timers and observers running, so only a process that serves `/metrics` collects them.
   */
  processMetrics: boolean;
}

/**
 * What one server process counts, in Prometheus's text format at `/metrics` (`prom-client`).
 * Labels are bounded sets (route templates, request names, push names, limit kinds); no app,
 * user or message id is ever a label, so the series count does not grow with tenants.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly messagesStored = this.#counter('parley_messages_stored_total', 'Messages stored (each group message once), by conversation type', [
    'conversation_type',
  ]);
  readonly pushes = this.#counter('parley_pushes_total', 'Pushes emitted to devices, by event (one per push, however many devices receive it)', ['event']);
  readonly packetsSent = this.#counter(
    'parley_socket_packets_sent_total',
    'socket.io packets queued to connected devices (pushes and acks): deliveries, one per device',
  );
  readonly sockets = new Gauge({ name: 'parley_connected_sockets', help: 'Devices connected to this process', registers: [this.registry] });
  readonly slowConsumerDrops = this.#counter(
    'parley_slow_consumer_drops_total',
    'Connections dropped because their unsent data passed SOCKET_SEND_BUFFER_MAX_BYTES',
  );
  readonly httpDuration = this.#histogram(
    'parley_http_request_duration_seconds',
    'HTTP request duration, by method, route template and status',
    ['method', 'route', 'status'],
    HTTP_BUCKETS,
  );
  readonly ackDuration = this.#histogram(
    'parley_socket_ack_duration_seconds',
    'Time from a socket request to its ack, by request and outcome (ok or the error code)',
    ['request', 'outcome'],
    ACK_BUCKETS,
  );
  readonly rateLimitRefusals = this.#counter('parley_rate_limit_refusals_total', 'Requests refused with RATE_LIMITED, by limit', ['limit']);
  readonly internalErrors = this.#counter(
    'parley_internal_errors_total',
    'Failures answered INTERNAL (bugs, or the store or bus failing), by transport',
    ['transport'],
  );

  readonly dependencyFailures = this.#counter(
    'parley_dependency_failures_total',
    'Requests answered UNAVAILABLE because a dependency could not be reached: the store (MongoDB) or the bus (Redis)',
    ['dependency'],
  );
  readonly busConnectionErrors = this.#counter(
    'parley_bus_connection_errors_total',
    'Redis connection errors and failed presence refreshes, by client: the bus, or the socket.io adapter',
    ['client'],
  );
  readonly rateLimitFallbacks = this.#counter(
    'parley_rate_limit_fallbacks_total',
    'Rate-limit decisions this process took alone because Redis did not answer',
  );

  constructor(options: MetricsOptions) {
    // Prefixed like ours.
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }

  #counter<const L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
    return new Counter<L>({ name, help, labelNames, registers: [this.registry] });
  }

  #histogram<const L extends string>(name: string, help: string, labelNames: readonly L[], buckets: number[]): Histogram<L> {
    return new Histogram<L>({ name, help, labelNames, buckets, registers: [this.registry] });
  }
}
