/**
 * Every generated page or block of docs/ and the READMEs, by path from the repository root.
 * `npm run docs` writes them; a test fails when a committed file differs.
 */
import { readFileSync } from 'node:fs';
import { renderConfigTable } from './config-reference.js';
import { fillBlock } from './marked-blocks.js';
import { restDocs } from './rest-docs.js';
import { renderMessageTypes } from './message-types-reference.js';
import { measureSdkSize, SIZE_PAGES, sizeSentence } from './sdk-size.js';
import { socketDocs } from './socket-docs.js';

const root = new URL('..', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

export async function generatedDocs(): Promise<Record<string, string>> {
  const files: Record<string, string> = { ...restDocs(), ...socketDocs(), 'docs/reference/message-types.md': renderMessageTypes() };
  files['docs/configuration.md'] = fillBlock(read('docs/configuration.md'), 'variables', renderConfigTable(), 'docs/configuration.md');
  const size = sizeSentence(await measureSdkSize());
  for (const page of SIZE_PAGES) files[page] = fillBlock(read(page), 'sdk-size', size, page);
  return files;
}
