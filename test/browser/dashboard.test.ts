import { copyFileSync, mkdirSync } from "node:fs";
import { sql } from "kysely";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { DialectName, Storage } from "../../src/storage/index.js";
import {
  describeWithBrowser,
  launchBrowser,
  saveScreenshot,
  seriousAccessibilityViolations,
} from "../../src/testing/browser.js";
import { type PolarHarness, startPolarHarness } from "../../src/testing/polar-harness.js";
import { conformanceCatalog } from "../../src/testing/provider-harness.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { startWebhookInboxServer } from "../../src/testing/webhook-inbox-server.js";

/** The conformance catalog plus a metered API feature with a limit on the plan, for usage bars. */
const catalog = {
  ...conformanceCatalog.catalog,
  meters: { api_calls: { event: "api.request" } },
  features: { ...conformanceCatalog.catalog.features, api: { type: "metered", meter: "api_calls" } },
  plans: {
    pro: {
      ...conformanceCatalog.catalog.plans.pro,
      features: [...conformanceCatalog.catalog.plans.pro.features, "api"],
      limits: { api_calls: { limit: 10, overage: "block" } },
    },
  },
};

/** Fails every write to `orders`, as a storage outage would, until `repair` is called. */
async function breakOrders(storage: Storage, dialect: DialectName): Promise<() => Promise<void>> {
  const db = storage.kysely;
  if (dialect === "sqlite") {
    for (const event of ["insert", "update"]) {
      await sql
        .raw(
          `create trigger orders_outage_${event} before ${event} on orders begin select raise(abort, 'orders are unavailable (simulated outage)'); end`,
        )
        .execute(db);
    }
    return async () => {
      await sql.raw("drop trigger orders_outage_insert").execute(db);
      await sql.raw("drop trigger orders_outage_update").execute(db);
    };
  }
  await sql
    .raw(
      "create function orders_outage() returns trigger language plpgsql as $$ begin raise exception 'orders are unavailable (simulated outage)'; end $$",
    )
    .execute(db);
  await sql
    .raw(
      "create trigger orders_outage before insert or update on orders for each row execute function orders_outage()",
    )
    .execute(db);
  return async () => {
    await sql.raw("drop trigger orders_outage on orders").execute(db);
    await sql.raw("drop function orders_outage()").execute(db);
  };
}

describeWithBrowser("the admin dashboard in a real browser", () => {
  describeEachDialect("dashboard", (fixture) => {
    let harness: PolarHarness;
    let browser: Browser;
    let page: Page;
    const subscriber = `user_ada_${fixture.dialect}`;
    const buyer = `user_grace_${fixture.dialect}`;
    const shot = (name: string) => saveScreenshot(page, `dashboard-${name}-${fixture.dialect}`);
    const go = async (path: string, heading: string) => {
      await page.getByRole("navigation", { name: "Dashboard" }).getByRole("link", { name: path }).click();
      await page.getByRole("heading", { level: 1, name: heading }).waitFor();
    };
    const expectAccessible = async () => expect(await seriousAccessibilityViolations(page)).toEqual([]);

    beforeAll(async () => {
      harness = await startPolarHarness(fixture.storage(), {
        catalog,
        // One failed attempt makes a usage event a dead letter and pauses an outbound endpoint.
        settings: { usageSync: { attemptsMax: 1 }, webhookFailuresBeforePause: 1 },
      });
      browser = await launchBrowser();
      // axe-core is injected as an inline script, which the dashboard's Content-Security-Policy forbids.
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, bypassCSP: true });
      page = await context.newPage();
    });
    afterAll(async () => {
      await browser?.close();
      await harness?.close();
    });

    it("refuses a wrong key with an error and signs in with an admin key", async () => {
      await page.goto(`${harness.server.url}/dashboard/`);
      const keyInput = page.getByLabel("Admin API key");
      await keyInput.fill("bh_sk_000000000000000000000000000000000");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByRole("alert").textContent()).resolves.toContain("not valid");
      await expectAccessible();
      await shot("sign-in-error");

      await keyInput.fill(harness.adminKey);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
      const cookies = await page.context().cookies();
      expect(cookies.find((cookie) => cookie.name === "bh_session")).toMatchObject({
        httpOnly: true,
        sameSite: "Strict",
      });
    });

    it("shows catalog drift against the Polar emulator and pushes it", async () => {
      await go("Catalog", "Catalog");
      await page.getByText("products differ from the provider").waitFor();
      expect(await page.locator(".badge", { hasText: "create" }).count()).toBe(3);
      await expectAccessible();
      await shot("catalog-drift");
      await page.getByRole("button", { name: "Push to provider" }).click();
      await page.getByText("Pushed: 3 product(s) changed.").waitFor();
      await page.getByText("In sync: all 3 products match the provider.").waitFor();
      const products = await harness.polar.products.list({ limit: 100 });
      expect(products.result.items.filter((product) => !product.isArchived)).toHaveLength(3);
      await shot("catalog");
    });

    it("shows a customer's entitlement, usage and ledger rows after a purchase through the emulator", async () => {
      expect((await harness.buy(subscriber, "pro")).status).toBe(303);
      expect((await harness.buy(subscriber, "images_100")).status).toBe(303);
      const usage = await harness.api("/v1/usage", {
        method: "POST",
        key: harness.serverKey,
        json: {
          events: Array.from({ length: 6 }, (_, index) => ({
            customerId: subscriber,
            event: "api.request",
            idempotencyKey: `call_${index}`,
          })),
        },
      });
      expect(usage.status).toBe(200);

      await go("Customers", "Customers");
      await page.getByLabel("Search customers").fill("ada");
      await page.getByRole("button", { name: "Search", exact: true }).click();
      await page.getByRole("link", { name: subscriber }).click();
      await page.getByRole("heading", { level: 1, name: subscriber }).waitFor();
      await page.getByRole("region", { name: "Ledger" }).waitFor();
      await shot("customer");
      const entitlements = page.getByRole("region", { name: "Entitlements" });
      await entitlements.getByText("export").waitFor();
      await expect(entitlements.getByText("pro").first().isVisible()).resolves.toBe(true);
      const ledger = page.getByRole("region", { name: "Ledger" });
      expect(await ledger.getByText(/^Order .* paid$/).count()).toBe(2);
      await ledger.getByText("customer credits").first().waitFor();
      await expect(
        page
          .getByRole("meter", { name: "API calls used" })
          .or(page.getByRole("meter", { name: "api_calls used" }))
          .getAttribute("aria-valuenow"),
      ).resolves.toBe("60");
      await expectAccessible();
    });

    it("replays a failed webhook from the inbox and sees it processed", async () => {
      const repair = await breakOrders(fixture.storage(), fixture.dialect);
      await harness.buy(buyer, "reports_pack");
      await repair();
      expect((await harness.check(buyer, "reports")).allowed).toBe(false);

      await go("Webhook inbox", "Webhook inbox");
      await page.getByLabel("Status").selectOption("failed");
      // The unfiltered list stays on screen until the filtered one arrives: wait for the filter to apply.
      await expect
        .poll(() => page.getByRole("button", { name: "order.paid" }).count(), { timeout: 10_000 })
        .toBe(1);
      const failed = (await (
        await harness.api("/v1/webhook-deliveries?status=failed&eventType=order.paid")
      ).json()) as {
        items: Array<{ id: string; payload?: unknown }>;
      };
      expect(failed.items).toHaveLength(1);
      await page.getByRole("button", { name: "order.paid" }).click();
      const detail = page.getByRole("region", { name: "Delivery" });
      await detail.getByText("simulated outage").waitFor();
      await expect(detail.getByLabel("Raw payload").inputValue()).resolves.toContain(buyer);
      await expectAccessible();
      await shot("webhook-failed");

      await detail.getByRole("button", { name: "Replay now" }).click();
      await detail.getByText("Replayed: now processed.").waitFor();
      await detail.locator(".badge", { hasText: "processed" }).waitFor();
      expect((await harness.check(buyer, "reports")).allowed).toBe(true);
      await shot("webhook-replayed");
    });

    it("changes a usage threshold in settings and the usage status follows", async () => {
      const status = async () =>
        (
          (await (
            await harness.api(`/v1/customers/${subscriber}/usage`, { key: harness.serverKey })
          ).json()) as {
            items: Array<{ meter: string; status: string }>;
          }
        ).items.find((item) => item.meter === "api_calls")?.status;
      expect(await status()).toBe("ok");

      await go("Settings", "Settings");
      await page.getByLabel("Warning at (% of limit)").fill("50");
      await page.getByRole("button", { name: "Save 1 change(s)" }).click();
      await page.getByText("Saved 1 setting(s).").waitFor();
      await page.getByRole("button", { name: "Reset to default" }).first().waitFor();
      expect(await status()).toBe("warning");
      await expectAccessible();
      await shot("settings");
    });

    it("retries usage dead letters and resumes a paused outbound endpoint from the outbox page", async () => {
      const metered = `user_meter_${fixture.dialect}`;
      const usage = await harness.api("/v1/usage", {
        method: "POST",
        key: harness.serverKey,
        json: {
          events: [0, 1].map((index) => ({
            customerId: metered,
            event: "api.request",
            idempotencyKey: `sync_${index}`,
          })),
        },
      });
      expect(usage.status).toBe(200);
      // The emulator answers 500 to every API call, so each queued event fails its only attempt.
      await harness.faults({ apiErrorRate: 1 });
      try {
        await harness.billhook.usageSync.runOnce();
      } finally {
        await harness.faults({ apiErrorRate: 0 });
      }
      const dead = await harness.billhook.usageSync.status();
      expect(dead).toMatchObject({ backlog: 0 });
      expect(dead.dead).toBeGreaterThanOrEqual(2);

      // Earlier purchases recorded events with no endpoint to receive them: mark them dispatched first.
      await harness.billhook.outbound.dispatcher.run();
      const app = await startWebhookInboxServer(() => 500);
      try {
        const created = await harness.api("/v1/webhook-endpoints", {
          method: "POST",
          json: { url: app.url, eventTypes: ["credits.granted"], description: "The app's billing hook" },
        });
        expect(created.status).toBe(201);
        const endpoint = (await created.json()) as { id: string };
        await harness.billhook.credits.grant({
          customerId: metered,
          type: "images",
          amount: 5,
          idempotencyKey: "outbox_grant",
        });
        await harness.billhook.outbound.dispatcher.run();
        expect(app.received.map((webhook) => webhook.json.type)).toEqual(["credits.granted"]);

        await go("Overview", "Overview");
        const health = page.getByRole("region", { name: "Webhook and sync health" });
        await health.getByText("An endpoint is paused").waitFor();
        await health.getByText(`${dead.dead} usage events could not be sent to the provider`).waitFor();
        const fact = (term: string) => health.locator(".facts div", { hasText: term }).locator("dd");
        await expect(fact("Usage dead letters").textContent()).resolves.toBe(String(dead.dead));
        await expect(fact("Paused endpoints").textContent()).resolves.toBe("1");
        await expectAccessible();
        await shot("overview-health");

        await health.getByRole("link", { name: "resume it on the outbox page" }).click();
        await page.getByRole("heading", { level: 1, name: "Outbox and sync" }).waitFor();
        const usageSync = page.getByRole("region", { name: "Usage sync to provider" });
        const deadLetters = usageSync.getByRole("table", { name: "Usage dead letters" });
        const meteredRows = deadLetters.getByRole("row", { name: new RegExp(metered) });
        await meteredRows.first().waitFor();
        expect(await meteredRows.count()).toBe(2);
        await expect(meteredRows.first().textContent()).resolves.toContain("500");

        const article = page.getByRole("article", { name: app.url });
        await article.getByText("The app's billing hook").waitFor();
        await article.getByText("credits.granted", { exact: true }).first().waitFor();
        await article
          .getByText("paused after 1 consecutive failed deliveries; last: HTTP 500", { exact: false })
          .waitFor();
        const deliveries = article.getByRole("table", { name: `Recent deliveries to ${app.url}` });
        await deliveries.locator(".badge", { hasText: "failed" }).waitFor();
        await deliveries.getByRole("button", { name: /^Redeliver credits\.granted/ }).waitFor();
        await expectAccessible();
        await shot("sync-problems");

        await usageSync.getByRole("button", { name: "Retry dead letters" }).click();
        await usageSync.getByText(`Requeued ${dead.dead} dead letter(s)`).waitFor();
        await usageSync.getByText("No dead letters").waitFor();
        expect(await harness.billhook.usageSync.status()).toMatchObject({ dead: 0, backlog: dead.dead });
        expect(await harness.billhook.usageSync.runOnce()).toMatchObject({ failed: 0 });
        expect(await harness.billhook.usageSync.status()).toMatchObject({ dead: 0, backlog: 0 });

        app.setAnswer(() => 200);
        await article.getByRole("button", { name: `Resume ${app.url}` }).click();
        await article.getByText("Resumed: its queued deliveries go out").waitFor();
        await article.locator(".badge", { hasText: "active" }).waitFor();
        await harness.billhook.outbound.dispatcher.run();
        expect(app.received.map((webhook) => webhook.json.type)).toEqual([
          "credits.granted",
          "credits.granted",
        ]);
        await page.getByRole("button", { name: "Refresh" }).click();
        await deliveries.locator(".badge", { hasText: "delivered" }).waitFor();
        expect(await deliveries.getByRole("button", { name: /^Redeliver/ }).count()).toBe(0);
        await usageSync.getByText("none waiting").waitFor();
        const after = (await (await harness.api(`/v1/webhook-endpoints/${endpoint.id}`)).json()) as {
          status: string;
        };
        expect(after.status).toBe("active");
        await expectAccessible();
        await shot("sync-resolved");
        expect((await harness.api(`/v1/webhook-endpoints/${endpoint.id}`, { method: "DELETE" })).status).toBe(
          200,
        );
      } finally {
        await app.close();
      }
    });

    it("renders the overview, payments, customers and sync pages accessibly", async () => {
      await go("Overview", "Overview");
      await page.getByRole("img", { name: /Net revenue per day in USD/ }).waitFor();
      await expect(
        page.locator(".stat", { hasText: "Live subscriptions" }).locator(".stat-value").textContent(),
      ).resolves.toBe("1");
      await expectAccessible();
      const overview = await shot("overview");
      // Refreshing the README's image is opt-in, so an ordinary test run leaves the tree clean.
      if (fixture.dialect === "sqlite" && process.env.BILLHOOK_UPDATE_DOCS_IMAGES === "1") {
        mkdirSync("docs/images", { recursive: true });
        copyFileSync(overview, "docs/images/dashboard.png");
      }

      await go("Payments", "Payments and refunds");
      await page.getByRole("link", { name: buyer }).waitFor();
      await expectAccessible();
      await shot("payments");

      await go("Customers", "Customers");
      await page.getByRole("link", { name: subscriber }).waitFor();
      await expectAccessible();
      await shot("customers");

      await go("Outbox and sync", "Outbox and sync");
      await page.getByText("Inbox backlog").waitFor();
      await page
        .getByRole("region", { name: "Outbound webhooks" })
        .getByText("No endpoints registered")
        .waitFor();
      await expectAccessible();
      await shot("sync");
    });

    it("signs out, after which the API refuses the old cookie", async () => {
      const cookie = (await page.context().cookies()).find((entry) => entry.name === "bh_session")!;
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("Admin API key").waitFor();
      const after = await fetch(`${harness.server.url}/v1/admin/overview`, {
        headers: { cookie: `bh_session=${cookie.value}` },
      });
      expect(after.status).toBe(401);
    });
  });
});
