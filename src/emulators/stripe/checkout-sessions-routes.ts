import { z } from "zod";
import { expireCheckoutSession } from "./checkout-operations.js";
import { createSession, createSessionSchema } from "./checkout-session-builder.js";
import { expandParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { CheckoutSessionObject } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

export function findSession(runtime: StripeEmulatorRuntime, id: string): CheckoutSessionObject {
  const session = runtime.store.checkoutSessions.get(id);
  if (!session) throw resourceMissing("checkout.session", id, "session");
  return session;
}

/** The session as the API shows it: `line_items` only when expanded, as at Stripe. */
function render(
  runtime: StripeEmulatorRuntime,
  session: CheckoutSessionObject,
  expand: readonly string[] | undefined,
): Record<string, unknown> {
  const { line_items: lineItems, ...rest } = expandObject(runtime.store, session, expand);
  return expand?.includes("line_items") ? { ...rest, line_items: lineItems } : rest;
}

export function registerCheckoutSessionRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/checkout/sessions", async (context) => {
    const body = await readForm(context, runtime, createSessionSchema);
    const session = createSession(runtime, body);
    store.checkoutSessions.put(session);
    const intentData = body.payment_intent_data;
    store.checkoutOptions.put({
      id: session.id,
      paymentIntentData: intentData && {
        metadata: intentData.metadata,
        description: intentData.description,
        setupFutureUsage: intentData.setup_future_usage,
        applicationFeeAmount: intentData.application_fee_amount,
        transferData: intentData.transfer_data,
      },
      subscriptionData: body.subscription_data && {
        metadata: body.subscription_data.metadata,
        trialPeriodDays: body.subscription_data.trial_period_days,
        description: body.subscription_data.description,
        applicationFeePercent: body.subscription_data.application_fee_percent,
        transferData: body.subscription_data.transfer_data && {
          destination: body.subscription_data.transfer_data.destination,
          amountPercent: body.subscription_data.transfer_data.amount_percent,
        },
      },
    });
    return context.json(render(runtime, session, body.expand));
  });

  app.post("/v1/checkout/sessions/:id/expire", async (context) => {
    const session = findSession(runtime, context.req.param("id"));
    await readForm(context, runtime, z.object({ expand: expandParam }));
    if (session.status !== "open")
      throw invalidRequest(`Only Checkout Sessions with a status in ["open"] can be expired.`, "session");
    expireCheckoutSession(runtime, session);
    return context.json(render(runtime, session, undefined));
  });

  registerCheckoutSessionReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerCheckoutSessionReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.get("/v1/checkout/sessions/:id", (context) => {
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(render(runtime, findSession(runtime, context.req.param("id")), query.expand));
  });

  app.get("/v1/checkout/sessions/:id/line_items", (context) => {
    const session = findSession(runtime, context.req.param("id"));
    const query = readQuery(context, z.object(listParams));
    const rows = [...(session.line_items?.data ?? [])].reverse();
    return context.json(paginate(rows, `/v1/checkout/sessions/${session.id}/line_items`, query));
  });

  app.get("/v1/checkout/sessions", (context) => {
    const query = readQuery(
      context,
      z.object({
        ...listParams,
        customer: z.string().optional(),
        payment_intent: z.string().optional(),
        subscription: z.string().optional(),
        status: z.string().optional(),
      }),
    );
    const rows = store.checkoutSessions.filter(
      (row) =>
        (query.customer === undefined || row.customer === query.customer) &&
        (query.payment_intent === undefined || row.payment_intent === query.payment_intent) &&
        (query.subscription === undefined || row.subscription === query.subscription) &&
        (query.status === undefined || row.status === query.status),
    );
    const list = paginate(rows, "/v1/checkout/sessions", query);
    return context.json({
      ...list,
      data: list.data.map((row) => render(runtime, row, stripDataPrefix(query.expand))),
    });
  });
}
