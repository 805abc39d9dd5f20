import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, ConsoleMessage, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { browserAvailable, launchChromium } from '../../support/browser.js';

export { browserAvailable, launchChromium };

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/** Where failing tests leave their screenshots (CI prints the path). */
export const FAILURE_SHOTS = join(ROOT, 'test-results', 'ui');

/**
 * Where `npm run screenshots` wants the pictures the docs show, or null in a normal test run.
 * The tests take them at the moments the guides describe, so the pictures stay current.
 */
export const DOC_SHOTS: string | null = process.env['PARLEY_DOC_SCREENSHOTS'] ?? null;

/**
 * Tracks the pages a test opens: each one's console errors and uncaught exceptions fail the test
 * (a UI that logs errors is broken even when it looks right), and on failure every page is
 * saved as a screenshot under test-results/ui/.
 */
export class PageWatch {
  readonly #pages: { page: Page; label: string }[] = [];
  readonly errors: string[] = [];

  constructor() {
    onTestFailed(async ({ task }) => {
      mkdirSync(FAILURE_SHOTS, { recursive: true });
      for (const { page, label } of this.#pages) {
        if (page.isClosed()) continue;
        const file = join(FAILURE_SHOTS, `${safe(task.name)}-${safe(label)}.png`);
        await page.screenshot({ path: file, fullPage: true }).catch(() => {});
        console.error(`screenshot of "${label}": ${file}`);
      }
    });
  }

  /** A new page in `context`, watched. */
  async open(context: BrowserContext, label: string): Promise<Page> {
    const page = await context.newPage();
    this.#pages.push({ page, label });
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' && !expectedNetworkError(message.text())) this.errors.push(`${label}: ${message.text()}`);
    });
    page.on('pageerror', (error) => this.errors.push(`${label}: ${error.message}`));
    return page;
  }
}

/**
 * Chromium logs a failed request as a console error even when the app handles it: a refused
 * connection while the network is deliberately down, or a 4xx the app shows to the user.
 */
function expectedNetworkError(text: string): boolean {
  return /Failed to load resource|net::ERR_|WebSocket connection to .* failed/.test(text);
}

/** Saves a docs screenshot named `name` when `npm run screenshots` runs the tests. */
export async function docShot(page: Page, name: string): Promise<void> {
  if (DOC_SHOTS === null) return;
  mkdirSync(DOC_SHOTS, { recursive: true });
  await page.screenshot({ path: join(DOC_SHOTS, `${name}.png`) });
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 80);
}

