import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type DevStack, startDevStack } from "../../src/node/dev-command.js";
import {
  describeWithBrowser,
  launchBrowser,
  saveScreenshot,
  seriousAccessibilityViolations,
} from "../../src/testing/browser.js";

const good = "4242 4242 4242 4242";
const declined = "4000 0000 0000 0002";

describeWithBrowser("billhook/react widgets on the `billhook dev` demo app, in a real browser", () => {
  let stack: DevStack;
  let browser: Browser;
  let directory: string;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), "billhook-widgets-"));
    stack = await startDevStack({
      port: 0,
      host: "127.0.0.1",
      emulatorPort: 0,
      demoPort: 0,
      provider: "polar",
      environment: { DATABASE_URL: join(directory, "billhook.db"), LOG_LEVEL: "silent" },
      demoKeyPath: join(directory, "dev-api-key"),
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  /** A new visitor: a fresh cookie jar is a fresh demo customer. */
  async function visit(): Promise<{ page: Page; customerId: string }> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on("pageerror", (error) => console.error("page error:", error));
    await page.goto(stack.demoUrl);
    await page.locator('.bh-buy-credits .bh-balance[data-balance="0"]').waitFor();
    const customerId = await page.evaluate(() => window.billhookDemo.customerId);
    return { page, customerId };
  }

  /** Opens the purchase modal for the 100-image pack and pays in the checkout tab it opens. */
  async function buyWithCard(page: Page, card: string, name: string) {
    await page.getByRole("button", { name: /Buy 100 images/ }).click();
    const dialog = page.getByRole("dialog", { name: "Buy 100 images" });
    await dialog.locator('[data-purchase-step="ready"]').waitFor();
    await saveScreenshot(page, `${name}-modal-ready`);
    const [checkout] = await Promise.all([
      page.waitForEvent("popup"),
      dialog.getByRole("link", { name: /Pay on secure checkout/ }).click(),
    ]);
    await dialog.locator('[data-purchase-step="processing"]').waitFor();
    await checkout.waitForLoadState();
    const email = checkout.locator("#customer_email");
    if (await email.isVisible()) await email.fill("buyer@example.com");
    await checkout.locator("#card").fill(card);
    await checkout.getByRole("button", { name: "Pay" }).click();
    await checkout.waitForLoadState();
    await saveScreenshot(checkout, `${name}-hosted-checkout-after`);
    return { dialog, checkout };
  }

  it("buys a credit pack: hosted checkout with 4242, and the balance changes live, without a reload", async () => {
    const { page } = await visit();
    await page.getByText("You're out of images.").waitFor();
    expect(await page.locator(".bh-empty").isVisible()).toBe(true);
    await saveScreenshot(page, "widgets-at-zero");
    await page.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const { dialog, checkout } = await buyWithCard(page, good, "buy");
    expect(checkout.url()).toContain("/checkout-complete");
    await dialog.locator('[data-purchase-step="success"]').waitFor();
    await page.locator('.bh-buy-credits .bh-balance[data-balance="100"]').waitFor();
    expect(await page.locator('header [data-balance="100"]').textContent()).toBe("100 images");
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    expect(await dialog.getByRole("status").textContent()).toContain("Payment received");
    await saveScreenshot(page, "buy-success");

    await dialog.getByRole("button", { name: "Done" }).first().click();
    expect(await page.locator(".bh-empty").count()).toBe(0);
    // Spending through the app's server moves the balance live too.
    await page.getByRole("button", { name: /Generate an image/ }).click();
    await page.locator('.bh-buy-credits .bh-balance[data-balance="99"]').waitFor();
  });

  it("shows the failure state for a declined card, with a retry that starts a new checkout", async () => {
    const { page, customerId } = await visit();
    const { dialog } = await buyWithCard(page, declined, "declined");
    await dialog.locator('[data-purchase-step="failure"]').waitFor();
    expect(await dialog.getByRole("status").textContent()).toMatch(/Payment failed/);
    expect(await page.locator(".bh-buy-credits .bh-balance").getAttribute("data-balance")).toBe("0");
    await saveScreenshot(page, "declined-failure");

    await dialog.getByRole("button", { name: "Try again" }).click();
    await dialog.locator('[data-purchase-step="ready"]').waitFor();
    const checkouts = await stack.billhook.checkouts.listOf(customerId);
    expect(checkouts.map((checkout) => checkout.status).sort()).toEqual(["failed", "open"]);
    // Escape closes the dialog (keyboard operable). It closes in an effect after the key event, so wait
    // for it to be hidden instead of reading its visibility at once.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
  });

  it("colours the usage meter ok → warning → critical → exceeded as usage crosses the thresholds, live", async () => {
    const { page, customerId } = await visit();
    // The widgets honour reduced motion: no colour transition, so the computed colour is final.
    await page.emulateMedia({ reducedMotion: "reduce" });
    const meter = page.locator('.bh-meter[data-meter="api_calls"]');
    await meter.and(page.locator('[data-status="ok"]')).waitFor();
    let sent = 0;
    const trackUntil = async (count: number) => {
      const events = [];
      for (; sent < count; sent++) {
        events.push({ customerId, event: "api.request", idempotencyKey: `call_${sent}` });
      }
      await stack.billhook.usage.ingest(events);
    };
    const expected = [
      [16, "warning", "rgb(161, 98, 7)", 80],
      [19, "critical", "rgb(194, 65, 12)", 95],
      [20, "exceeded", "rgb(185, 28, 28)", 100],
    ] as const;
    for (const [count, status, colour, percent] of expected) {
      await trackUntil(count);
      await page.locator(`.bh-meter[data-meter="api_calls"][data-status="${status}"]`).waitFor();
      const fill = await meter
        .locator(".bh-fill")
        .evaluate((element) => getComputedStyle(element).backgroundColor);
      expect(fill).toBe(colour);
      const bar = meter.getByRole("progressbar");
      expect(await bar.getAttribute("aria-valuenow")).toBe(String(percent));
      expect(await bar.getAttribute("aria-valuetext")).toContain(`${count} of 20 used`);
      await saveScreenshot(page, `usage-${status}`);
    }
  });

  it("has no serious or critical accessibility violations (axe-core), with and without the dialog open", async () => {
    const { page } = await visit();
    await page.locator('.bh-meter[data-meter="api_calls"]').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole("button", { name: /Buy 100 images/ }).click();
    await page.locator('[data-purchase-step="ready"]').waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    // The dialog is keyboard operable: Tab reaches its actions.
    await page.keyboard.press("Tab");
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
    expect(focused).toMatch(/Cancel|Pay on secure checkout/);
  });

  it("renders the widgets for the README (docs/images/widgets.png)", async () => {
    const { page, customerId } = await visit();
    await stack.billhook.credits.grant({ customerId, type: "images", amount: 240, idempotencyKey: "readme" });
    await stack.billhook.usage.ingest(
      Array.from({ length: 17 }, (_, index) => ({
        customerId,
        event: "api.request",
        idempotencyKey: `r${index}`,
      })),
    );
    await page.locator('.bh-buy-credits .bh-balance[data-balance="240"]').waitFor();
    await page.locator('.bh-meter[data-meter="api_calls"] [aria-valuenow="85"]').waitFor();
    await saveScreenshot(page, "widgets");
    // Refreshing the README's image is opt-in, so an ordinary test run leaves the tree clean.
    if (process.env.BILLHOOK_UPDATE_DOCS_IMAGES === "1")
      await page.screenshot({ path: join(process.cwd(), "docs", "images", "widgets.png"), fullPage: true });
  });
});
