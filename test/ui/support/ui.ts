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
    // Chromium's console line for a failed request is allowed above; a 5xx never is.
    page.on('response', (response) => {
      if (response.status() >= 500) this.errors.push(`${label}: ${response.status()} from ${response.request().method()} ${response.url()}`);
    });
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

/**
 * The form controls, buttons and links of the page that a screen reader could not name: no
 * label, `aria-label`, `aria-labelledby`, `title`, text or image `alt`. Rendered elements only.
 */
export function unnamedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const named = (element: Element): boolean => {
      if (element.getAttribute('aria-label')?.trim()) return true;
      const labelledBy = element.getAttribute('aria-labelledby');
      if (labelledBy && labelledBy.split(/\s+/).some((id) => document.getElementById(id)?.textContent?.trim())) return true;
      if (element.getAttribute('title')?.trim()) return true;
      const labels = (element as HTMLInputElement).labels;
      if (labels && Array.from(labels).some((label) => label.textContent?.trim())) return true;
      if (element.matches('button, a, [role=button]')) {
        if (element.textContent?.trim()) return true;
        if (Array.from(element.querySelectorAll('img[alt]')).some((img) => img.getAttribute('alt')?.trim())) return true;
      }
      return false;
    };
    const controls = Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], [role=button]'));
    return controls
      .filter((element) => element.getClientRects().length > 0 && !named(element))
      .map((element) => element.outerHTML.slice(0, 120));
  });
}

/**
 * At the moments the guides picture: every control of the page has a name (so screen readers,
 * and tests using getByLabel/getByRole, find it), and when `npm run screenshots` runs the tests,
 * the docs screenshot named `name` is saved.
 */
export async function docShot(page: Page, name: string): Promise<void> {
  const unnamed = await unnamedControls(page);
  if (unnamed.length > 0) throw new Error(`controls without an accessible name on "${name}":\n${unnamed.join('\n')}`);
  if (DOC_SHOTS === null) return;
  mkdirSync(DOC_SHOTS, { recursive: true });
  await page.screenshot({ path: join(DOC_SHOTS, `${name}.png`) });
}

function safe(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 80);
}

