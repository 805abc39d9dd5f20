import { pino } from 'pino';
import { composeServer } from '../server/src/compose.js';
import { loadConfig } from '../server/src/config.js';
import { socketPushes } from '../server/src/realtime/pushes.js';
import { renderSocketReference } from './socket-reference.js';

/** The generated socket reference, by path from the repository root. */
export function socketDocs(): Record<string, string> {
  // Documented defaults, whatever the environment of the machine generating them.
  const config = loadConfig({});
  const server = composeServer(config, { logger: pino({ level: 'silent' }) });
  const text = renderSocketReference([...server.realtime.requests.values()], [...socketPushes.values()], config);
  void server.close();
  return { 'docs/reference/socket.md': text };
}
