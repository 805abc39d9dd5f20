import { defineConfig } from 'tsup';

// One file to run with `node dist/main.js`. The SDK's protocol and signer are bundled in from
// source; npm dependencies stay external.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  platform: 'node',
  target: 'node20',
  clean: true,
  sourcemap: true,
  noExternal: ['@parley/sdk'],
  esbuildOptions(options) {
    options.conditions = ['@parley/source'];
  },
});
