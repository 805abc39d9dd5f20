/**
 * `npm run size`: prints what `@parley/sdk` adds to a browser bundle and writes the figures into
 * the pages that quote them (the `sdk-size` blocks; `npm run docs` does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fillBlock } from './marked-blocks.js';
import { kib, measureSdkSize, sizeSentence, SIZE_PAGES } from './sdk-size.js';

const size = await measureSdkSize();
console.log('@parley/sdk in a browser bundle (minified, then gzip -9):');
console.log(`  SDK alone (socket.io-client external)  ${kib(size.own.min).padStart(9)} min  ${kib(size.own.gzip).padStart(8)} gzip`);
console.log(`  SDK + socket.io-client                 ${kib(size.withSocketIo.min).padStart(9)} min  ${kib(size.withSocketIo.gzip).padStart(8)} gzip`);
for (const page of SIZE_PAGES) {
  const url = new URL(`../${page}`, import.meta.url);
  writeFileSync(url, fillBlock(readFileSync(url, 'utf8'), 'sdk-size', sizeSentence(size), page));
}
console.log(`updated ${SIZE_PAGES.join(', ')}`);
