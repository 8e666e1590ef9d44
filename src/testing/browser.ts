import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { describe } from "vitest";

/** Debian's Chromium (`apt-get install -y chromium`); `BILLHOOK_CHROMIUM` points elsewhere. */
export const chromiumPath = process.env.BILLHOOK_CHROMIUM ?? "/usr/bin/chromium";

/**
 * The flags a sandboxed, offline machine needs: without the background-networking ones Chromium
 * keeps dialling Google's hosts and the closed network refuses it, many times a second.
 */
export const chromiumArgs = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Where browser tests leave their screenshots (look at them). Ignored by git. */
export const screenshotDirectory = join(process.cwd(), "test-output", "screenshots");

/**
 * A `describe` for browser tests: runs when Chromium is installed, and is a failure under CI
 * (`CI=true`) when it is not — `.ci/run` installs it — rather than a silent skip.
 */
export function describeWithBrowser(name: string, body: () => void): void {
  const available = existsSync(chromiumPath);
  if (!available && process.env.CI === "true") {
    describe(name, () => {
      throw new Error(`Chromium is required under CI but ${chromiumPath} does not exist.`);
    });
    return;
  }
  (available ? describe : describe.skip)(name, body);
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/** Saves a full-page screenshot as `test-output/screenshots/<name>.png` and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDirectory, { recursive: true });
  const path = join(screenshotDirectory, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axePath = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/**
 * Runs axe-core on the page as it is now and returns its serious and critical violations, with the
 * elements they concern: what every page and state of the UI is expected to have none of.
 */
export async function seriousAccessibilityViolations(
  page: Page,
): Promise<Array<{ id: string; impact: string | null; targets: string[] }>> {
  await page.addScriptTag({ path: axePath });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }>;
          }>;
        };
      }
    ).axe;
    return (await axe.run()).violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      targets: violation.nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  return violations.filter((violation) => violation.impact === "serious" || violation.impact === "critical");
}
