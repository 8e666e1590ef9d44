import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import {
  describeWithBrowser,
  launchBrowser,
  saveScreenshot,
  seriousAccessibilityViolations,
} from "../../src/testing/browser.js";
import { completeEmulatorOnboarding } from "../../src/testing/marketplace-fixtures.js";
import { type StripeDriver, startStripeDriver } from "../../src/testing/provider-drivers.js";
import { type ProviderHarness, startProviderHarness } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";

const pageEntry = join(process.cwd(), "test", "browser", "pages", "seller-payouts-page.tsx");

/** What a tip books: the platform's 10 %, rounded down, and Stripe's 2.9 % + 30¢. */
function expectedSplit(grossMinor: number) {
  const platformFeeMinor = Math.floor((grossMinor * 1000) / 10_000);
  const providerFeeMinor = Math.round((grossMinor * 290) / 10_000) + 30;
  return {
    platformFeeMinor,
    providerFeeMinor,
    sellerNetMinor: grossMinor - platformFeeMinor - providerFeeMinor,
  };
}

async function bundlePage(): Promise<string> {
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [pageEntry],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2022",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "error",
  });
  return result.outputFiles[0]!.text;
}

describeWithBrowser("<SellerPayouts> in a real browser, over Stripe Connect (emulated)", () => {
  describeEachDialect("seller payouts widget", (fixture) => {
    let harness: ProviderHarness<StripeDriver>;
    let browser: Browser;
    let bundle: string;

    beforeAll(async () => {
      harness = await startProviderHarness(fixture.storage(), await startStripeDriver("seller-widget"), {
        marketplace: {},
        settings: { platformFeeBps: 1000, sellerSettlementDelayDays: 7 },
      });
      bundle = await bundlePage();
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await harness?.close();
    });

    /**
     * The app's seller page, served at Billhook's own origin (so no CORS setup): the test process plays
     * the app's server and mints the seller's customer token with its secret key.
     */
    async function openStudio(externalId: string): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
      const page = await context.newPage();
      page.on("pageerror", (error) => console.error("page error:", error));
      const origin = harness.server.url;
      await page.route(`${origin}/studio`, (route) =>
        route.fulfill({
          contentType: "text/html",
          body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Creator studio</title>
<style>body { margin: 0; background: #f3f4f6; font-family: system-ui, sans-serif; } main { max-width: 820px; margin: 24px auto; padding: 0 16px; }</style>
<script>window.sellerPage = ${JSON.stringify({ baseUrl: origin, customerId: externalId })};</script>
</head><body><div id="root"></div><script type="module" src="/studio.js"></script></body></html>`,
        }),
      );
      await page.route(`${origin}/studio.js`, (route) =>
        route.fulfill({ contentType: "text/javascript", body: bundle }),
      );
      await page.exposeFunction("mintSellerToken", async () => {
        const response = await harness.api(`/v1/customers/${encodeURIComponent(externalId)}/tokens`, {
          method: "POST",
          key: harness.serverKey,
          json: {},
        });
        expect(response.status).toBe(201);
        return response.json();
      });
      await page.goto(`${origin}/studio`);
      return page;
    }

    async function onboard(url: string): Promise<void> {
      const submitted = await completeEmulatorOnboarding(url);
      expect(submitted.status).toBe(303);
      await harness.settle();
    }

    const total = (page: Page, bucket: string) =>
      page.locator(`.bh-seller-payouts [data-total="${bucket}"]`).getAttribute("data-amount-minor");

    it("shows the empty state, then a tip's earnings with its fee bps, then the payout, accessibly", async () => {
      const externalId = `creator_${fixture.dialect}`;
      const created = await harness.api("/v1/sellers", {
        method: "POST",
        key: harness.serverKey,
        json: { externalId, email: `${externalId}@example.com`, country: "US" },
      });
      expect(created.status).toBe(201);
      const { seller, onboardingUrl } = (await created.json()) as {
        seller: { id: string };
        onboardingUrl: string;
      };
      await onboard(onboardingUrl);

      let page = await openStudio(externalId);
      const widget = page.getByRole("region", { name: "Your earnings" });
      await widget.getByRole("status").filter({ hasText: "No earnings yet." }).waitFor();
      // The browser never sees a secret key: only the customer token.
      expect(await page.evaluate(() => document.documentElement.outerHTML)).not.toContain("bh_sk_");
      await saveScreenshot(page, `seller-payouts-empty-${fixture.dialect}`);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // A viewer tips 15.00 through the hosted checkout.
      const checkout = await harness.api(`/v1/sellers/${seller.id}/tips/checkout`, {
        method: "POST",
        key: harness.serverKey,
        json: {
          customerId: "viewer_1",
          amountMinor: 1500,
          currency: "USD",
          successUrl: "https://app.example.com/thanks",
        },
      });
      expect(checkout.status).toBe(201);
      const paid = await harness.payHosted(
        ((await checkout.json()) as { url: string }).url,
        "4242424242424242",
      );
      expect(paid.status).toBe(303);
      await harness.settle();

      await widget.getByRole("button", { name: "Refresh" }).click();
      const earnings = widget.getByRole("table", { name: "Recent earnings" });
      await earnings.waitFor();
      const split = expectedSplit(1500);
      expect(await total(page, "pending")).toBe(String(split.sellerNetMinor));
      expect(await total(page, "available")).toBe("0");
      expect(await total(page, "lifetime")).toBe(String(split.sellerNetMinor));
      expect(await earnings.getByRole("columnheader").allTextContents()).toEqual([
        "Date",
        "Type",
        "Amount",
        "Platform fee",
        "Processing fee",
        "Your share",
        "Status",
      ]);
      const row = earnings.locator("tbody tr");
      expect(await row.count()).toBe(1);
      expect(await row.getAttribute("data-fee-bps")).toBe("1000");
      const cells = await row.getByRole("cell").allTextContents();
      expect(cells[1]).toBe("Tip");
      expect(cells[2]).toBe("$15.00");
      expect(cells[3]).toBe(`$${(split.platformFeeMinor / 100).toFixed(2)} 10% (1000 bps)`);
      expect(cells[5]).toBe(`$${(split.sellerNetMinor / 100).toFixed(2)}`);
      expect(cells[6]).toMatch(/^Pending until /);
      expect(await widget.getByRole("status").count()).toBe(0);
      await saveScreenshot(page, `seller-payouts-after-tip-${fixture.dialect}`);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);

      // A week later the tip is available; the seller is paid out. (A new visit: a new token.)
      await harness.advanceDays(8);
      const payout = await harness.api(`/v1/sellers/${seller.id}/payouts`, {
        method: "POST",
        key: harness.serverKey,
        json: { currency: "USD", idempotencyKey: "first" },
      });
      expect(payout.status).toBe(201);
      await harness.advanceDays(3);
      await page.context().close();
      page = await openStudio(externalId);
      const payouts = page.getByRole("table", { name: "Payouts" });
      await payouts.waitFor();
      expect(await total(page, "pending")).toBe("0");
      expect(await total(page, "available")).toBe("0");
      expect(await total(page, "paid")).toBe(String(split.sellerNetMinor));
      expect(await total(page, "lifetime")).toBe(String(split.sellerNetMinor));
      expect(await payouts.locator("tbody tr").getByRole("cell").allTextContents()).toEqual([
        expect.any(String),
        `$${(split.sellerNetMinor / 100).toFixed(2)}`,
        "Paid",
      ]);
      expect(
        await page
          .getByRole("table", { name: "Recent earnings" })
          .locator("tbody tr td")
          .last()
          .textContent(),
      ).toBe("Available");
      await saveScreenshot(page, `seller-payouts-paid-${fixture.dialect}`);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.context().close();
    });

    it("shows a customer who is no seller that they are not set up yet", async () => {
      const page = await openStudio("just_a_viewer");
      await page.getByText("You are not set up as a seller yet.").waitFor();
      expect(await page.getByRole("table").count()).toBe(0);
      await page.context().close();
    });
  });
});
