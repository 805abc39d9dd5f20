import vue from '@vitejs/plugin-vue';
import { defaultClientConditions, defineConfig } from 'vite';

// `@parley/source` makes `@parley/sdk` resolve to the SDK's TypeScript sources in this repository.
export default defineConfig({
  plugins: [vue()],
  resolve: { conditions: ['@parley/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // `npm run dev -w @parley/demo-vue`: the page from Vite, the API from a running demo backend.
  server: { proxy: { '/demo-api': process.env['DEMO_BACKEND'] ?? 'http://127.0.0.1:5180' } },
});
