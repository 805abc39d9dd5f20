import { pino } from 'pino';
import { VERSION, composeServer } from '../server/src/compose.js';
import { loadConfig } from '../server/src/config.js';
import { openApiDocument } from '../server/src/http/app.js';
import { renderRestReference } from './rest-reference.js';

/** The generated reference files, by path from the repository root. */
export function restDocs(): Record<string, string> {
  // Documented defaults, whatever the environment of the machine generating them.
  const server = composeServer(loadConfig({}), { logger: pino({ level: 'silent' }) });
  const document = openApiDocument(server.services, VERSION);
  return {
    'docs/openapi.json': `${JSON.stringify(document, null, 2)}\n`,
    'docs/reference/rest.md': renderRestReference(document),
  };
}
