/**
 * What `@parley/sdk` adds to a web app: the main entry bundled and minified for browsers, gzipped,
 * once with socket.io-client left to the app's bundler and once with it included.
 *
 *   npm run size
 */
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const entry = new URL('../sdk-js/src/index.ts', import.meta.url).pathname;

async function measure(external: string[]): Promise<{ min: number; gzip: number }> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    conditions: ['@parley/source'],
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const own = await measure(['socket.io-client']);
const all = await measure([]);
console.log('@parley/sdk in a browser bundle (minified, then gzip -9):');
console.log(`  SDK alone (socket.io-client external)  ${kib(own.min).padStart(9)} min  ${kib(own.gzip).padStart(8)} gzip`);
console.log(`  SDK + socket.io-client                 ${kib(all.min).padStart(9)} min  ${kib(all.gzip).padStart(8)} gzip`);
