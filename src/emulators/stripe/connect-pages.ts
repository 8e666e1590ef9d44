import type { Context } from "hono";
import { completeOnboarding, failPayout, findAccount, linkUsable } from "./connect-operations.js";
import { escapeHtml, htmlPage } from "./html-layout.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

function onboardingForm(token: string, email: string | null): string {
  return `<h1>Set up payouts</h1>
<p>Tell us about yourself to start receiving money${email ? ` as <strong>${escapeHtml(email)}</strong>` : ""}.</p>
<form method="post" action="/connect/onboarding/${escapeHtml(token)}">
<label for="first_name">First name</label><input id="first_name" name="first_name" required>
<label for="last_name">Last name</label><input id="last_name" name="last_name" required>
<label for="business_name">Public name</label><input id="business_name" name="business_name">
<label for="url">Website</label><input id="url" name="url" placeholder="https://">
<label for="routing_number">Routing number</label><input id="routing_number" name="routing_number" value="110000000" required>
<label for="account_number">Account number</label><input id="account_number" name="account_number" value="000123456789" required>
<label><input type="checkbox" name="tos" value="accepted" required> I accept the services agreement</label>
<button type="submit">Agree and submit</button>
</form>
<p><small>Test mode: the routing and account numbers above are Stripe's test bank account.</small></p>`;
}

function text(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * The hosted onboarding page an account link points at. A link is single use and expires after
 * 300 s: following a spent or expired one redirects to its `refresh_url`, as Stripe does.
 */
export function registerConnectPages(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const find = (context: Context) => runtime.store.accountLinks.get(context.req.param("token") ?? "");

  app.get("/connect/onboarding/:token", (context) => {
    const link = find(context);
    if (!link) return context.html(htmlPage("Not found", "<h1>This link is not valid.</h1>"), 404);
    if (!linkUsable(runtime, link)) return context.redirect(link.refresh_url, 302);
    const account = findAccount(runtime, link.account);
    return context.html(htmlPage("Onboarding", onboardingForm(link.id, account.email)));
  });

  app.post("/connect/onboarding/:token", async (context) => {
    const link = find(context);
    if (!link) return context.html(htmlPage("Not found", "<h1>This link is not valid.</h1>"), 404);
    if (!linkUsable(runtime, link)) return context.redirect(link.refresh_url, 303);
    const form = await context.req.parseBody();
    const account = findAccount(runtime, link.account);
    if (!text(form, "first_name") || !text(form, "last_name") || text(form, "tos") !== "accepted") {
      const page = `${onboardingForm(link.id, account.email)}<p class="error" role="alert">Please fill in every required field.</p>`;
      return context.html(htmlPage("Onboarding", page), 400);
    }
    link.used = true;
    runtime.automatically(() =>
      completeOnboarding(runtime, account, {
        businessName: text(form, "business_name"),
        url: text(form, "url"),
      }),
    );
    return context.redirect(link.return_url, 303);
  });

  // Test-only knobs: fail the next payouts when they arrive, or fail one (even after it was paid).
  app.post("/_emulator/payouts/fail-next", async (context) => {
    const body = (await context.req.json().catch(() => ({}))) as { count?: unknown };
    const count = typeof body.count === "number" && Number.isInteger(body.count) ? body.count : 1;
    if (count < 0) throw invalidRequest("count must be at least 0.", "count");
    runtime.connectKnobs.failNextPayouts = count;
    return context.json({ fail_next_payouts: count });
  });
  app.post("/_emulator/payouts/:id/fail", (context) => {
    const payout = runtime.store.payouts.get(context.req.param("id"));
    if (!payout) throw resourceMissing("payout", context.req.param("id"));
    runtime.automatically(() => failPayout(runtime, payout));
    return context.json(payout);
  });
}
