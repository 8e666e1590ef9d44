import { Hono } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { randomBase62 } from "../kernel/index.js";

export interface DemoAppOptions {
  /** Where Billhook listens; the browser calls it directly with a customer token. */
  billhookUrl: string;
  /** The app server's secret key (never sent to the browser). */
  apiKey: string;
  bundle: () => Promise<string>;
}

const customerCookie = "billhook_demo_customer";
const customerPattern = /^demo_[0-9a-z]{8}$/;

/**
 * "Your app" in `billhook dev`: a page built from `billhook/react`, and the few server routes a real
 * app would have — one mints the customer token with the secret key, two spend credits and record
 * usage. It runs on its own origin, so the browser talks to Billhook cross-origin, as in production.
 */
export function createDemoApp(options: DemoAppOptions): Hono {
  const app = new Hono();
  const billhook = (path: string, body: unknown) =>
    fetch(`${options.billhookUrl}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${options.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  const customerOf = (cookie: string | undefined) => (cookie && customerPattern.test(cookie) ? cookie : null);

  app.get("/", async (c) => {
    let customerId = customerOf(getCookie(c, customerCookie));
    if (!customerId) {
      customerId = `demo_${randomBase62(8).toLowerCase()}`;
      setCookie(c, customerCookie, customerId, { httpOnly: true, sameSite: "Lax", path: "/" });
      // Every demo customer starts on Pro (simulated, development only), so usage has a limit to show.
      await billhook("/v1/dev/simulate-success", { customerId, product: "pro" }).catch(() => undefined);
    }
    const settings = JSON.stringify({ baseUrl: options.billhookUrl, customerId }).replaceAll("<", "\\u003c");
    return c.html(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Acme Images — Billhook demo app</title>
</head>
<body>
<div id="root"></div>
<script>window.billhookDemo = ${settings};</script>
<script type="module" src="/demo.js"></script>
</body>
</html>`);
  });

  app.get("/demo.js", async (c) =>
    c.body(await options.bundle(), 200, { "content-type": "text/javascript; charset=utf-8" }),
  );

  app.get("/checkout-complete", (c) =>
    c.html(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Payment received</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#111827}</style></head>
<body><main><h1>Payment received</h1>
<p>You can close this tab: the app you came from updates by itself.</p></main></body></html>`),
  );

  app.post("/api/billhook-token", async (c) => {
    const customerId = customerOf(getCookie(c, customerCookie));
    if (!customerId) return c.json({ detail: "Open the demo page first." }, 401);
    const response = await billhook(`/v1/customers/${customerId}/tokens`, { ttlSeconds: 600 });
    return c.json(await response.json(), response.status === 201 ? 200 : 502);
  });

  app.post("/api/generate", async (c) => {
    const customerId = customerOf(getCookie(c, customerCookie));
    if (!customerId) return c.json({ detail: "Open the demo page first." }, 401);
    const response = await billhook("/v1/credits/spend", {
      customerId,
      type: "images",
      amount: 1,
      idempotencyKey: `generate_${randomBase62(12)}`,
    });
    return c.json(await response.json(), response.status as 200);
  });

  app.post("/api/call", async (c) => {
    const customerId = customerOf(getCookie(c, customerCookie));
    if (!customerId) return c.json({ detail: "Open the demo page first." }, 401);
    const response = await billhook("/v1/usage", {
      customerId,
      event: "api.request",
      idempotencyKey: `call_${randomBase62(12)}`,
    });
    return c.json(await response.json(), response.status as 200);
  });
  return app;
}
