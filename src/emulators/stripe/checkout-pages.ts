import type { Context } from "hono";
import { type CheckoutOutcome, payCheckoutSession } from "./checkout-operations.js";
import { escapeHtml, formatMoney, htmlPage, TEST_CARD_HINT } from "./html-layout.js";
import type { StripeApp } from "./stripe-app-types.js";
import { StripeApiError } from "./stripe-errors.js";
import type { CheckoutSessionObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

function summary(session: CheckoutSessionObject): string {
  const rows = (session.line_items?.data ?? [])
    .map((line) => {
      const recurring = line.price.recurring;
      const cadence = recurring
        ? ` / ${recurring.interval_count > 1 ? `${recurring.interval_count} ` : ""}${recurring.interval}`
        : "";
      return `<tr><td>${escapeHtml(line.description)} × ${line.quantity}</td><td>${escapeHtml(formatMoney(line.amount_total, line.currency))}${escapeHtml(cadence)}</td></tr>`;
    })
    .join("");
  return `<table>${rows}<tr><th>Total</th><th>${escapeHtml(formatMoney(session.amount_total, session.currency ?? "usd"))}</th></tr></table>`;
}

function paymentForm(session: CheckoutSessionObject, error?: string): string {
  const email = session.customer
    ? ""
    : `<label for="email">Email</label><input id="email" name="email" type="email" required value="${escapeHtml(session.customer_email ?? "")}">
<label for="name">Name on card</label><input id="name" name="name">`;
  const cancel = session.cancel_url
    ? `<p><a href="${escapeHtml(session.cancel_url)}">Cancel and go back</a></p>`
    : "";
  return `<h1>${session.mode === "subscription" ? "Subscribe" : "Pay"}</h1>
${summary(session)}
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/c/pay/${escapeHtml(session.id)}">
${email}
<label for="card">Card number</label>
<input id="card" name="card" inputmode="numeric" autocomplete="off" placeholder="4242 4242 4242 4242" required>
<button type="submit">${session.mode === "subscription" ? "Subscribe" : "Pay"}</button>
</form>
${cancel}
${TEST_CARD_HINT}`;
}

function authenticationForm(session: CheckoutSessionObject, fields: Record<string, string>): string {
  const hidden = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  return `<h1>Authenticate this payment</h1>
<p>Your bank asks you to confirm ${escapeHtml(formatMoney(session.amount_total, session.currency ?? "usd"))} (3D Secure test).</p>
<form method="post" action="/c/pay/${escapeHtml(session.id)}">${hidden}
<button type="submit" name="authenticate" value="complete">Complete authentication</button>
<button class="secondary" type="submit" name="authenticate" value="fail">Fail authentication</button>
</form>`;
}

/** The success URL with Stripe's `{CHECKOUT_SESSION_ID}` template filled in. */
export function successRedirect(session: CheckoutSessionObject): string {
  return (session.success_url ?? session.return_url ?? "/").replaceAll("{CHECKOUT_SESSION_ID}", session.id);
}

function closedPage(context: Context, session: CheckoutSessionObject): Response {
  if (session.status === "expired")
    return context.html(htmlPage("Expired", "<h1>This checkout session has expired.</h1>"), 410);
  return context.html(
    htmlPage(
      "Paid",
      `<h1>Payment complete</h1><p><a href="${escapeHtml(successRedirect(session))}">Continue</a></p>`,
    ),
  );
}

function formText(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function outcomeMessage(outcome: CheckoutOutcome): string | undefined {
  if (outcome.status === "declined" || outcome.status === "authentication_failed") return outcome.message;
  return undefined;
}

/** Hosted checkout at `/c/pay/:id`: a form a person can use, with a 3D Secure step for 3155-style cards. */
export function registerCheckoutPages(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const find = (context: Context) => runtime.store.checkoutSessions.get(context.req.param("id") ?? "");

  app.get("/c/pay/:id", (context) => {
    const session = find(context);
    if (!session) return context.html(htmlPage("Not found", "<h1>Checkout session not found</h1>"), 404);
    if (session.status !== "open") return closedPage(context, session);
    return context.html(htmlPage("Checkout", paymentForm(session)));
  });

  app.post("/c/pay/:id", async (context) => {
    const session = find(context);
    if (!session) return context.html(htmlPage("Not found", "<h1>Checkout session not found</h1>"), 404);
    if (session.status !== "open") return closedPage(context, session);
    const form = await context.req.parseBody();
    const card = formText(form, "card") ?? "";
    const email = formText(form, "email");
    const name = formText(form, "name");
    const choice = formText(form, "authenticate");
    try {
      const outcome = runtime.automatically(() =>
        payCheckoutSession(runtime, session, {
          card,
          email,
          name,
          authenticate: choice === undefined ? undefined : choice === "complete",
        }),
      );
      if (outcome.status === "succeeded") return context.redirect(successRedirect(session), 303);
      if (outcome.status === "requires_action") {
        const fields = Object.fromEntries(
          Object.entries({ card, email, name }).filter(
            (entry): entry is [string, string] => entry[1] !== undefined,
          ),
        );
        return context.html(htmlPage("Authenticate", authenticationForm(session, fields)));
      }
      return context.html(htmlPage("Checkout", paymentForm(session, outcomeMessage(outcome))), 402);
    } catch (error) {
      if (error instanceof StripeApiError)
        return context.html(htmlPage("Checkout", paymentForm(session, error.message)), 400);
      throw error;
    }
  });
}
