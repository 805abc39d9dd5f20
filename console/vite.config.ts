import vue from '@vitejs/plugin-vue';
import { defaultClientConditions, defineConfig } from 'vite';

// The server serves this build at /console, and the console API shares that prefix
// (GET /console/apps is JSON), so the app routes by hash and its assets live under /console/assets.
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  // '@parley/source' makes @parley/sdk/* resolve to the SDK's TypeScript sources, so the console
  // never depends on a stale SDK build.
  resolve: { conditions: ['@parley/source', ...defaultClientConditions] },
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022' },
  // `npm run dev`: the API calls go to a server started with `npm start` (port 3000 by default).
  server: {
    proxy: {
      '^/console/(signup|login|logout|password|apps)': 'http://127.0.0.1:3000',
      '/app/create': 'http://127.0.0.1:3000',
    },
  },
});
