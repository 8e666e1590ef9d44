import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createHttpApp } from "../../src/http/app.js";
import { listen, type RunningServer } from "../../src/node/serve.js";
import { describeWithBrowser, launchBrowser, saveScreenshot } from "../../src/testing/browser.js";
import { describeEachDialect } from "../../src/testing/storage-matrix.js";
import { createTestService } from "../../src/testing/test-engine.js";

describeWithBrowser("the API reference in a real browser", () => {
  describeEachDialect("GET /docs", (fixture) => {
    let browser: Browser;
    let server: RunningServer;
    beforeAll(async () => {
      const service = await createTestService(fixture.storage());
      server = await listen(createHttpApp(service.billhook).fetch, { port: 0, host: "127.0.0.1" });
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
      await server?.close();
    });

    it("renders every operation of the OpenAPI document, offline", async () => {
      const page = await browser.newPage();
      const document = (await (await fetch(`${server.url}/openapi.json`)).json()) as {
        paths: Record<string, Record<string, { summary?: string }>>;
      };
      const operations = Object.values(document.paths).flatMap((item) => Object.keys(item));
      await page.goto(`${server.url}/docs`);
      await expect(page.title()).resolves.toMatch(/Billhook/);
      const rendered = await page.locator("[data-operation]").count();
      expect(rendered).toBe(operations.length);
      await saveScreenshot(page, `api-reference-${fixture.dialect}`);
      await page.close();
    });
  });
});
