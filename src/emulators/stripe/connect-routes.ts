import { z } from "zod";
import {
  accountBalance,
  createAccount,
  createAccountLink,
  createPayout,
  findAccount,
} from "./connect-operations.js";
import type { AccountObject, PayoutObject } from "./connect-records.js";
import { expandParam, formInt, mergeMetadata, metadataParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp, StripeContext } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing, StripeApiError } from "./stripe-errors.js";
import { expandObject, listParams, paginate } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const capabilityRequest = z.object({ requested: z.enum(["true", "false"]).optional() }).optional();
const createAccountSchema = z.object({
  type: z.enum(["express", "custom", "standard", "none"]).optional(),
  country: z.string().length(2).optional(),
  email: z.string().optional(),
  metadata: metadataParam,
  business_profile: z.object({ name: z.string().optional() }).optional(),
  capabilities: z.object({ transfers: capabilityRequest, card_payments: capabilityRequest }).optional(),
  controller: z.record(z.string(), z.unknown()).optional(),
  settings: z
    .object({
      payouts: z
        .object({ schedule: z.object({ interval: z.enum(["manual", "daily"]).optional() }).optional() })
        .optional(),
    })
    .optional(),
  expand: expandParam,
});
const accountLinkSchema = z.object({
  account: z.string(),
  type: z.enum(["account_onboarding", "account_update"]),
  refresh_url: z.string(),
  return_url: z.string(),
  collect: z.string().optional(),
  collection_options: z.record(z.string(), z.unknown()).optional(),
});
const payoutSchema = z.object({
  amount: formInt.min(1),
  currency: z.string().length(3),
  description: z.string().optional(),
  metadata: metadataParam,
  method: z.enum(["standard", "instant"]).optional(),
});

/** The connected account named by `Stripe-Account`, which Connect calls act on. */
function actingAccount(context: StripeContext, runtime: StripeEmulatorRuntime): AccountObject | null {
  const header = context.req.header("stripe-account");
  if (!header) return null;
  const account = runtime.store.accounts.get(header);
  if (!account)
    throw new StripeApiError(403, {
      type: "invalid_request_error",
      code: "account_invalid",
      message: `The provided key does not have access to account '${header}' (or that account does not exist).`,
    });
  return account;
}

function requireActingAccount(context: StripeContext, runtime: StripeEmulatorRuntime): AccountObject {
  const account = actingAccount(context, runtime);
  if (!account) throw invalidRequest("This call needs the Stripe-Account header (a connected account).");
  return account;
}

function payoutsOf(runtime: StripeEmulatorRuntime, account: AccountObject): PayoutObject[] {
  return runtime.store.payouts.filter(
    (row) => runtime.store.payoutAccounts.get(row.id)?.account === account.id,
  );
}

/** Connect: accounts, account links, transfers, application fees, and payouts on connected accounts. */
export function registerConnectRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/accounts", async (context) => {
    const body = await readForm(context, runtime, createAccountSchema);
    const account = createAccount(runtime, {
      type: body.type,
      country: body.country,
      email: body.email,
      metadata: mergeMetadata({}, body.metadata),
      businessName: body.business_profile?.name,
      requestCardPayments: body.capabilities?.card_payments?.requested === "true",
      payoutInterval: body.settings?.payouts?.schedule?.interval,
    });
    return context.json(account);
  });
  app.get("/v1/accounts/:id", (context) =>
    context.json(findAccount(runtime, context.req.param("id"), "account")),
  );
  app.get("/v1/account", (context) => {
    const account = actingAccount(context, runtime);
    if (!account) throw invalidRequest("The emulated platform account has no account object.");
    return context.json(account);
  });
  app.post("/v1/accounts/:id", async (context) => {
    const account = findAccount(runtime, context.req.param("id"), "account");
    const body = await readForm(
      context,
      runtime,
      z.object({ metadata: metadataParam, email: z.string().optional() }),
    );
    account.metadata = mergeMetadata(account.metadata, body.metadata);
    if (body.email) account.email = body.email;
    runtime.emit("account.updated", account, undefined, account.id);
    return context.json(account);
  });
  app.get("/v1/accounts", (context) => {
    const query = readQuery(context, z.object(listParams));
    return context.json(paginate(store.accounts.all(), "/v1/accounts", query));
  });

  app.post("/v1/account_links", async (context) => {
    const body = await readForm(context, runtime, accountLinkSchema);
    const account = findAccount(runtime, body.account, "account");
    const link = createAccountLink(runtime, {
      account: account.id,
      type: body.type,
      refresh_url: body.refresh_url,
      return_url: body.return_url,
    });
    return context.json({
      object: "account_link",
      created: link.created,
      expires_at: link.expires_at,
      url: `${runtime.publicUrl ?? ""}/connect/onboarding/${link.id}`,
    });
  });

  app.get("/v1/transfers/:id", (context) => {
    const transfer = store.transfers.get(context.req.param("id"));
    if (!transfer) throw resourceMissing("transfer", context.req.param("id"));
    return context.json(
      expandObject(store, transfer, readQuery(context, z.object({ expand: expandParam })).expand),
    );
  });
  app.get("/v1/transfers", (context) => {
    const query = readQuery(context, z.object({ ...listParams, destination: z.string().optional() }));
    const rows = store.transfers.filter((row) => !query.destination || row.destination === query.destination);
    return context.json(paginate(rows, "/v1/transfers", query));
  });
  app.get("/v1/application_fees/:id", (context) => {
    const fee = store.applicationFees.get(context.req.param("id"));
    if (!fee) throw resourceMissing("application_fee", context.req.param("id"));
    return context.json(fee);
  });
  app.get("/v1/application_fees", (context) => {
    const query = readQuery(context, z.object({ ...listParams, charge: z.string().optional() }));
    const rows = store.applicationFees.filter((row) => !query.charge || row.charge === query.charge);
    return context.json(paginate(rows, "/v1/application_fees", query));
  });

  app.post("/v1/payouts", async (context) => {
    const account = requireActingAccount(context, runtime);
    const body = await readForm(context, runtime, payoutSchema);
    const payout = createPayout(runtime, account, {
      amount: body.amount,
      currency: body.currency,
      description: body.description,
      metadata: mergeMetadata({}, body.metadata),
    });
    return context.json(payout);
  });
  app.get("/v1/payouts/:id", (context) => {
    const account = requireActingAccount(context, runtime);
    const payout = payoutsOf(runtime, account).find((row) => row.id === context.req.param("id"));
    if (!payout) throw resourceMissing("payout", context.req.param("id"));
    return context.json(payout);
  });
  app.get("/v1/payouts", (context) => {
    const account = requireActingAccount(context, runtime);
    const query = readQuery(context, z.object({ ...listParams, status: z.string().optional() }));
    const rows = payoutsOf(runtime, account).filter((row) => !query.status || row.status === query.status);
    return context.json(paginate(rows, "/v1/payouts", query));
  });
  app.get("/v1/balance", (context) => {
    const account = requireActingAccount(context, runtime);
    const currency = account.default_currency;
    return context.json({
      object: "balance",
      livemode: false,
      available: [{ amount: accountBalance(runtime, account.id, currency), currency }],
      pending: [{ amount: 0, currency }],
    });
  });
}
