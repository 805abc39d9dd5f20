import { defineConfig } from 'tsup';

// `node dist/main.js` (the server) and `node dist/data-cli.js` (export, import, backup). The
// SDK's protocol and signer are bundled in from source; npm dependencies stay external.
export default defineConfig({
  entry: { main: 'src/main.ts', 'data-cli': 'src/data-cli.ts' },
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
