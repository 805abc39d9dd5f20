/**
 * What `@parley/sdk` adds to a web app: the main entry bundled and minified for browsers, gzipped,
 * once with socket.io-client left to the app's bundler and once with it included. The figures in
 * the docs are the `sdk-size` blocks this fills (also run by `npm run docs`).
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
    target: 'es2022',
    conditions: ['@parley/source'],
    external,
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { min: code.byteLength, gzip: gzipSync(code, { level: 9 }).byteLength };
}

export interface SdkSize {
  own: { min: number; gzip: number };
  withSocketIo: { min: number; gzip: number };
}

export async function measureSdkSize(): Promise<SdkSize> {
  return { own: await measure(['socket.io-client']), withSocketIo: await measure([]) };
}

/** Pages that quote the SDK's size, in `sdk-size` blocks. */
export const SIZE_PAGES = ['sdk-js/README.md', 'docs/guides/sdk.md', 'docs/benchmarks.md'];

export const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

/** The sentence every page that quotes the size shows. */
export function sizeSentence(size: SdkSize): string {
  return (
    `In a browser bundle the SDK adds **${kib(size.own.gzip)}** minified and gzipped (${kib(size.own.min)} minified), ` +
    `**${kib(size.withSocketIo.gzip)}** with socket.io-client included, as \`npm run size\` measures it.`
  );
}
