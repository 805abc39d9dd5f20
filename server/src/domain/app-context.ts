import type { AppScope } from '../store/ports.js';
import type { AppRecord } from '../store/records.js';

/** The app a request speaks for (from its signature or token) and that app's data. */
export interface AppContext {
  readonly app: AppRecord;
  readonly data: AppScope;
  /**
   * The connection the request came from, when it came from a device. Pushes caused by the
   * request skip this connection: it already has the answer in its ack.
   */
  readonly origin?: string;
}
