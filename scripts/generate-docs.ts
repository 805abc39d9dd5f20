/**
 * `npm run docs`: writes docs/openapi.json and docs/reference/rest.md from the route schemas, and
 * docs/reference/socket.md from the socket declarations. A test fails when the committed files
 * differ from what this would write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { restDocs } from './rest-docs.js';
import { socketDocs } from './socket-docs.js';

const files = { ...restDocs(), ...socketDocs() };
for (const [path, text] of Object.entries(files)) {
  const url = new URL(`../${path}`, import.meta.url);
  mkdirSync(new URL('.', url), { recursive: true });
  writeFileSync(url, text);
  process.stdout.write(`wrote ${path}\n`);
}
