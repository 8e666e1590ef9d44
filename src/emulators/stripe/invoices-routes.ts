import { z } from "zod";
import type { InvoiceObject } from "./billing-records.js";
import { findCustomerOrNull } from "./customer-lookup.js";
import { invoicePaymentMethodId, payInvoice } from "./invoice-operations.js";
import { resolvePaymentMethod } from "./payment-methods.js";
import { expandParam, formBool, readForm, readQuery } from "./request-input.js";
import { registerSearchRoute } from "./search-route.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing, StripeApiError } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";
import { changeStatus } from "./subscription-operations.js";

function findInvoice(runtime: StripeEmulatorRuntime, id: string): InvoiceObject {
  const invoice = runtime.store.invoices.get(id);
  if (!invoice) throw resourceMissing("invoice", id, "invoice");
  return invoice;
}

function subscriptionOf(runtime: StripeEmulatorRuntime, invoice: InvoiceObject) {
  const id = invoice.parent?.subscription_details.subscription;
  return id ? runtime.store.subscriptions.get(id) : undefined;
}

/** `POST /v1/invoices/:id/pay`: a manual retry, e.g. after the customer fixed their card. */
function retryPayment(
  runtime: StripeEmulatorRuntime,
  invoice: InvoiceObject,
  paymentMethodReference: string | undefined,
): void {
  if (invoice.status !== "open")
    throw invalidRequest("Invoice is already paid", undefined, "invoice_not_open");
  const subscription = subscriptionOf(runtime, invoice);
  const customer = findCustomerOrNull(runtime, invoice.customer);
  const methodId = paymentMethodReference
    ? resolvePaymentMethod(runtime, paymentMethodReference).id
    : subscription && customer
      ? invoicePaymentMethodId(subscription, customer)
      : (customer?.invoice_settings.default_payment_method ?? null);
  const outcome = payInvoice(runtime, invoice, methodId, { offSession: true });
  if (outcome.status === "succeeded") {
    if (subscription && ["past_due", "unpaid", "incomplete"].includes(subscription.status))
      changeStatus(runtime, subscription, "active");
    return;
  }
  if (outcome.status === "declined")
    throw new StripeApiError(402, {
      type: "card_error",
      code: outcome.code,
      decline_code: outcome.declineCode,
      message: outcome.message,
    });
  throw new StripeApiError(402, {
    type: "card_error",
    code: "authentication_required",
    message: "This payment requires authentication.",
  });
}

export function registerInvoiceRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;

  app.post("/v1/invoices/:id/pay", async (context) => {
    const invoice = findInvoice(runtime, context.req.param("id"));
    const body = await readForm(
      context,
      runtime,
      z.object({
        payment_method: z.string().optional(),
        off_session: formBool.optional(),
        expand: expandParam,
      }),
    );
    retryPayment(runtime, invoice, body.payment_method);
    return context.json(expandObject(store, invoice, body.expand));
  });

  registerInvoiceReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerInvoiceReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  registerSearchRoute(app, store, "invoices", "invoices");

  app.get("/v1/invoices/:id", (context) => {
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(expandObject(store, findInvoice(runtime, context.req.param("id")), query.expand));
  });

  app.get("/v1/invoices/:id/lines", (context) => {
    const invoice = findInvoice(runtime, context.req.param("id"));
    const query = readQuery(context, z.object(listParams));
    return context.json(paginate([...invoice.lines.data].reverse(), invoice.lines.url, query));
  });

  app.get("/v1/invoices", (context) => {
    const query = readQuery(
      context,
      z.object({
        ...listParams,
        customer: z.string().optional(),
        subscription: z.string().optional(),
        status: z.string().optional(),
      }),
    );
    const rows = store.invoices.filter(
      (row) =>
        (query.customer === undefined || row.customer === query.customer) &&
        (query.subscription === undefined ||
          row.parent?.subscription_details.subscription === query.subscription) &&
        (query.status === undefined || row.status === query.status),
    );
    const list = paginate(rows, "/v1/invoices", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });
}
