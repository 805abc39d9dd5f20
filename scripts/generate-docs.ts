/**
 * `npm run docs` (with typedoc after it): writes every generated page and block from the code,
 * the REST, socket and configuration references and the SDK size figures. A test fails when the
 * committed files differ from what this would write.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { generatedDocs } from './docs.js';

for (const [path, text] of Object.entries(await generatedDocs())) {
  const url = new URL(`../${path}`, import.meta.url);
  mkdirSync(new URL('.', url), { recursive: true });
  writeFileSync(url, text);
  process.stdout.write(`wrote ${path}\n`);
}
