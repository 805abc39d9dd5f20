import { ConfigError, loadConfig } from './config.js';
import { filesLocation, openAdapters, storeLocation } from './adapters.js';
import { systemClock } from './clock.js';
import { composeServer } from './compose.js';
import { lowerHelperThreadPriority } from './helper-threads.js';
import { createLogger } from './logger.js';
import { Metrics } from './metrics/metrics.js';
import { SqliteOpenRefusal } from './store/sqlite/errors.js';

/** `npm start`: read the environment, compose, listen, and shut down cleanly on a signal. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\nSee docs/configuration.md for every variable.\n`);
      process.exit(1);
    }
    throw error;
  }

  const logger = createLogger(config.logLevel);
  const clock = systemClock;
  // Before the adapters, so Redis errors from their first connection on are counted.
  const metrics = new Metrics({ processMetrics: config.metricsToken !== null });
  // Connected (and indexes created) before the port opens: a server that cannot reach its store
  // or bus refuses to start, with the reason, instead of failing its first requests.
  let adapters;
  try {
    adapters = await openAdapters(config, clock, logger, metrics);
  } catch (error) {
    if (error instanceof SqliteOpenRefusal) {
      process.stderr.write(`Parley cannot open its store: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  // After the adapters, whose threads (the SQLite store's checkpoint worker) are helpers too.
  lowerHelperThreadPriority(config.helperThreadNice, logger);
  const server = composeServer(config, { ...adapters, clock, logger, metrics });
  const address = await server.listen();
  const shownHost = ['0.0.0.0', '::'].includes(address.address) ? 'localhost' : address.address;
  const data = storeLocation(server.store, config.store);
  const uploads = filesLocation(server.files, config.files);
  const origin = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`;
  server.logger.info(
    { address: address.address, port: address.port, store: server.store.kind, data, bus: server.bus.kind, files: server.files.kind, uploads },
    `Parley listening on ${origin} (${server.store.kind} store: ${data}; ${server.bus.kind} bus; ${server.files.kind} files: ${uploads}); console: ${origin}/console`,
  );

  const stop = (signal: NodeJS.Signals) => {
    server.logger.info({ signal }, 'shutting down');
    // A second signal while draining means "now".
    process.once(signal, () => process.exit(1));
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`Parley failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
