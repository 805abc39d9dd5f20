import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    'protocol/index': 'src/protocol/index.ts',
    'server/index': 'src/server/index.ts',
    'signing/index': 'src/signing/index.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Every entry runs in browsers too; 'node' only lets the server entry keep its node: imports.
  platform: 'node',
  splitting: false,
  treeshake: true,
  // Keep `node:crypto`: bundlers then know the server entry is Node-only.
  removeNodeProtocol: false,
});
