import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * What one server process counts, in Prometheus's text format at `/metrics` (`prom-client`).
 * Labels are bounded sets (route templates, request names, push names, limit kinds); no app,
 * user or message id is ever a label, so the series count does not grow with tenants.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly messagesStored = new Counter({
    name: 'parley_messages_stored_total',
    help: 'Messages stored (each group message once), by conversation type',
    labelNames: ['conversation_type'] as const,
    registers: [this.registry],
  });

  readonly pushes = new Counter({
    name: 'parley_pushes_total',
    help: 'Pushes emitted to devices, by event (one per push, however many devices receive it)',
    labelNames: ['event'] as const,
    registers: [this.registry],
  });

  readonly packetsSent = new Counter({
    name: 'parley_socket_packets_sent_total',
    help: 'socket.io packets queued to connected devices (pushes and acks): deliveries, one per device',
    registers: [this.registry],
  });

  readonly sockets = new Gauge({
    name: 'parley_connected_sockets',
    help: 'Devices connected to this process',
    registers: [this.registry],
  });

  readonly slowConsumerDrops = new Counter({
    name: 'parley_slow_consumer_drops_total',
    help: 'Connections dropped because their unsent data passed SOCKET_SEND_BUFFER_MAX_BYTES',
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'parley_http_request_duration_seconds',
    help: 'HTTP request duration, by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly ackDuration = new Histogram({
    name: 'parley_socket_ack_duration_seconds',
    help: 'Time from a socket request to its ack, by request and outcome (ok or the error code)',
    labelNames: ['request', 'outcome'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  readonly rateLimitRefusals = new Counter({
    name: 'parley_rate_limit_refusals_total',
    help: 'Requests refused with RATE_LIMITED, by limit',
    labelNames: ['limit'] as const,
    registers: [this.registry],
  });

  readonly internalErrors = new Counter({
    name: 'parley_internal_errors_total',
    help: 'Failures answered INTERNAL (bugs, or the store or bus failing), by transport',
    labelNames: ['transport'] as const,
    registers: [this.registry],
  });

  constructor() {
    // Process CPU, memory, event-loop lag and GC, prefixed like ours.
    collectDefaultMetrics({ register: this.registry, prefix: 'parley_' });
  }
}
