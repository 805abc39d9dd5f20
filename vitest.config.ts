import { defineConfig } from 'vitest/config';

// One project per package; each resolves workspace packages to their TypeScript sources.
export default defineConfig({
  resolve: { conditions: ['@parley/source'] },
  ssr: { resolve: { conditions: ['@parley/source'] } },
  test: {
    projects: [
      {
        extends: true,
        test: { name: 'sdk-js', root: './sdk-js', include: ['test/**/*.test.ts'] },
      },
      {
        extends: true,
        test: { name: 'server', root: './server', include: ['test/**/*.test.ts'] },
      },
      {
        extends: true,
        // The production build is made once by the global setup; every file starts it as npm start does.
        test: { name: 'e2e', root: './test', include: ['e2e/**/*.test.ts'], testTimeout: 30_000, globalSetup: ['./e2e/global-setup.ts'] },
      },
      {
        extends: true,
        // The end-user SDK against a real server: chat, reconnects, network loss.
        test: { name: 'client', root: './test', include: ['client/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        // The SDK bundled for browsers, in Debian's Chromium.
        test: { name: 'browser', root: './test', include: ['browser/**/*.test.ts'], testTimeout: 30_000 },
      },
      {
        extends: true,
        // The console and the demo chat, built as npm start and npm run demo serve them, driven in Chromium.
        test: { name: 'ui', root: './test', include: ['ui/**/*.test.ts'], testTimeout: 60_000, globalSetup: ['./ui/global-setup.ts'] },
      },
    ],
  },
});
