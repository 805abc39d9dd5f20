import { unreachableDependency } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from './metrics.js';

/**
 * When `thrown` means the store (MongoDB) or the bus (Redis) could not be reached, which every
 * transport answers `UNAVAILABLE`: logs it as a warning with `context`, counts it in
 * `parley_dependency_failures_total`, and returns true. False for any other failure.
 */
export function reportUnreachable(thrown: unknown, logger: Logger, metrics: Metrics, context: Record<string, unknown>): boolean {
  const dependency = unreachableDependency(thrown);
  if (dependency === undefined) return false;
  logger.warn({ err: thrown, ...context }, dependency === 'store' ? 'the store cannot be reached' : 'redis cannot be reached');
  metrics.dependencyFailures.inc({ dependency });
  return true;
}
