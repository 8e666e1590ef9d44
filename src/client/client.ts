import { type CheckOptions, type CheckOutcome, checkWithPolicy, type FailurePolicy } from "./check.js";
import type {
  Checkout,
  CheckoutList,
  CheckRequest,
  CommitRequest,
  CreateCheckoutRequest,
  CreatePaymentIntentRequest,
  CreateWebhookEndpointRequest,
  CreditBalanceList,
  CreditHistoryPage,
  CreditHistoryQuery,
  CreditHold,
  Customer,
  EnsureCustomerRequest,
  EntitlementList,
  GrantRequest,
  GrantResult,
  HoldRequest,
  LedgerTransaction,
  PaymentIntent,
  PortalRequest,
  PortalSession,
  ProductList,
  SellerDashboard,
  SellerDashboardQuery,
  SpendRequest,
  SpendResult,
  TrackResult,
  UpdateWebhookEndpointRequest,
  UsageEvent,
  UsageStatus,
  WebhookDelivery,
  WebhookDeliveryList,
  WebhookDeliveryQuery,
  WebhookEndpoint,
  WebhookEndpointList,
  WebhookEndpointWithSecret,
  WebhookEventTypeList,
  WithOptionalKey,
} from "./contract.js";
import { assertNoSecretKeyInBrowser } from "./key-guard.js";
import {
  type CallOptions,
  defaultRetryPolicy,
  type FetchFunction,
  newIdempotencyKey,
  type RetryPolicy,
  send,
  type Transport,
} from "./transport.js";

export interface BillhookClientOptions {
  /** Where the API lives, e.g. `https://billing.example.com` (a path prefix is kept). */
  baseUrl: string;
  /** A `bh_sk_…` secret key on servers; in browsers a customer token (secret keys are refused there). */
  apiKey: string;
  /** Default 10 000 ms for a whole call, retries included. */
  timeoutMs?: number;
  /** Default 5 000 ms for one attempt, after which it is retried if time is left. */
  attemptTimeoutMs?: number;
  /** Default 3 000 ms for `check`, which sits on a request's hot path. */
  checkTimeoutMs?: number;
  /** What `check` answers when Billhook is unreachable; default `failClosed`. */
  failurePolicy?: FailurePolicy;
  retry?: Partial<RetryPolicy>;
  /** Any `fetch` (a test double, a Workers service binding); default the global one. */
  fetch?: FetchFunction;
  /** Only for tools you trust: allow a secret key where a browser could see it. */
  dangerouslyAllowSecretKeyInBrowser?: boolean;
}

export type BillhookClient = ReturnType<typeof createBillhookClient>;

const path = (template: TemplateStringsArray, ...ids: string[]) =>
  template.reduce(
    (joined, part, index) => joined + part + (index < ids.length ? encodeURIComponent(ids[index] ?? "") : ""),
    "",
  );

/**
 * A typed client for the HTTP API, running wherever `fetch` does (Node, browsers, Deno, Bun, Workers).
 *
 * @example
 * const billhook = createBillhookClient({ baseUrl: "https://billing.example.com", apiKey: env.BILLHOOK_KEY });
 * const access = await billhook.check({ customerId: "user_123", feature: "export" });
 * if (!access.allowed) return redirect(access.upgradeUrl ?? "/pricing");
 */
export function createBillhookClient(options: BillhookClientOptions) {
  assertNoSecretKeyInBrowser(options.apiKey, options.dangerouslyAllowSecretKeyInBrowser === true);
  const transport: Transport = {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    timeoutMs: options.timeoutMs ?? 10_000,
    attemptTimeoutMs: options.attemptTimeoutMs ?? 5_000,
    retry: { ...defaultRetryPolicy, ...options.retry },
  };
  const get = <T>(url: string, query?: Record<string, string | number | undefined>, call?: CallOptions) =>
    send<T>(transport, { method: "GET", path: url, ...(query ? { query } : {}) }, call);
  const post = <T>(url: string, body: unknown, call: CallOptions = {}) =>
    send<T>(
      transport,
      { method: "POST", path: url, body, idempotencyKey: call.idempotencyKey ?? newIdempotencyKey() },
      call,
    );
  /** Credit writes carry the key in the body too; one key serves both, so a retry is one operation. */
  const postKeyed = <T>(url: string, body: { idempotencyKey?: string }, call: CallOptions = {}) => {
    const key = body.idempotencyKey ?? call.idempotencyKey ?? newIdempotencyKey();
    return post<T>(url, { ...body, idempotencyKey: key }, { ...call, idempotencyKey: key });
  };

  return {
    check: (input: CheckRequest, call: CheckOptions = {}): Promise<CheckOutcome> =>
      checkWithPolicy(transport, input, call.failurePolicy ?? options.failurePolicy ?? "failClosed", {
        timeoutMs: options.checkTimeoutMs ?? 3_000,
        ...call,
      }),
    entitlements: {
      list: (customerId: string, call?: CallOptions) =>
        get<EntitlementList>(path`/v1/customers/${customerId}/entitlements`, undefined, call),
    },
    checkouts: {
      create: (input: CreateCheckoutRequest, call?: CallOptions) =>
        post<Checkout>("/v1/checkouts", input, call),
      list: (customerId: string, call?: CallOptions) =>
        get<CheckoutList>(path`/v1/customers/${customerId}/checkouts`, undefined, call),
    },
    paymentIntents: {
      create: (input: CreatePaymentIntentRequest, call?: CallOptions) =>
        post<PaymentIntent>("/v1/payment-intents", input, call),
    },
    customers: {
      ensure: (input: EnsureCustomerRequest, call?: CallOptions) =>
        post<Customer>("/v1/customers", input, call),
      portal: (customerId: string, input: PortalRequest = {}, call?: CallOptions) =>
        post<PortalSession>(path`/v1/customers/${customerId}/portal`, input, call),
    },
    credits: {
      spend: (input: WithOptionalKey<SpendRequest>, call?: CallOptions) =>
        postKeyed<SpendResult>("/v1/credits/spend", input, call),
      hold: (input: WithOptionalKey<HoldRequest>, call?: CallOptions) =>
        postKeyed<CreditHold>("/v1/credits/holds", input, call),
      getHold: (holdId: string, call?: CallOptions) =>
        get<CreditHold>(path`/v1/credits/holds/${holdId}`, undefined, call),
      commit: (holdId: string, input: CommitRequest, call?: CallOptions) =>
        post<CreditHold>(path`/v1/credits/holds/${holdId}/commit`, input, call),
      release: (holdId: string, call?: CallOptions) =>
        post<CreditHold>(path`/v1/credits/holds/${holdId}/release`, undefined, call),
      fail: (holdId: string, call?: CallOptions) =>
        post<CreditHold>(path`/v1/credits/holds/${holdId}/fail`, undefined, call),
      grant: (input: WithOptionalKey<GrantRequest>, call?: CallOptions) =>
        postKeyed<GrantResult>("/v1/credits/grants", input, call),
      balances: (customerId: string, call?: CallOptions) =>
        get<CreditBalanceList>(path`/v1/customers/${customerId}/credits`, undefined, call),
      history: (customerId: string, type: string, query: CreditHistoryQuery = {}, call?: CallOptions) =>
        get<CreditHistoryPage>(path`/v1/customers/${customerId}/credits/${type}/history`, { ...query }, call),
    },
    products: {
      list: (customerId: string, call?: CallOptions) =>
        get<ProductList>("/v1/products", { customerId }, call),
    },
    usage: {
      /**
       * Records one event or a batch (atomic); an event without `idempotencyKey` gets a fresh one,
       * kept across retries, so a retried call counts once.
       */
      track: (
        input: WithOptionalKey<UsageEvent> | Array<WithOptionalKey<UsageEvent>>,
        call?: CallOptions,
      ) => {
        const events = (Array.isArray(input) ? input : [input]).map((event) => ({
          ...event,
          idempotencyKey: event.idempotencyKey ?? newIdempotencyKey(),
        }));
        return post<TrackResult>("/v1/usage", { events }, call);
      },
      status: (customerId: string, call?: CallOptions) =>
        get<UsageStatus>(path`/v1/customers/${customerId}/usage`, undefined, call),
    },
    sellers: {
      /**
       * The dashboard of the seller whose `externalId` is `customerId`; a browser may call it with a
       * customer token for that id (what `<SellerPayouts>` does).
       */
      dashboardOf: (customerId: string, query: Partial<SellerDashboardQuery> = {}, call?: CallOptions) =>
        get<SellerDashboard>(path`/v1/customers/${customerId}/seller-dashboard`, { ...query }, call),
    },
    /** Where Billhook sends its events (admin key): see docs/webhooks.md. */
    webhookEndpoints: {
      /** The answer's `secret` (`whsec_…`) is shown only here: keep it to verify deliveries. */
      create: (input: CreateWebhookEndpointRequest, call?: CallOptions) =>
        post<WebhookEndpointWithSecret>("/v1/webhook-endpoints", input, call),
      list: (call?: CallOptions) => get<WebhookEndpointList>("/v1/webhook-endpoints", undefined, call),
      get: (endpointId: string, call?: CallOptions) =>
        get<WebhookEndpoint>(path`/v1/webhook-endpoints/${endpointId}`, undefined, call),
      update: (endpointId: string, input: UpdateWebhookEndpointRequest, call?: CallOptions) =>
        send<WebhookEndpoint>(
          transport,
          {
            method: "PATCH",
            path: path`/v1/webhook-endpoints/${endpointId}`,
            body: input,
            idempotencyKey: call?.idempotencyKey ?? newIdempotencyKey(),
          },
          call,
        ),
      delete: (endpointId: string, call?: CallOptions) =>
        send<{ deleted: boolean }>(
          transport,
          { method: "DELETE", path: path`/v1/webhook-endpoints/${endpointId}` },
          call,
        ),
      rotateSecret: (endpointId: string, call?: CallOptions) =>
        post<WebhookEndpointWithSecret>(
          path`/v1/webhook-endpoints/${endpointId}/rotate-secret`,
          undefined,
          call,
        ),
      resume: (endpointId: string, call?: CallOptions) =>
        post<WebhookEndpoint>(path`/v1/webhook-endpoints/${endpointId}/resume`, undefined, call),
      deliveries: (endpointId: string, query: Partial<WebhookDeliveryQuery> = {}, call?: CallOptions) =>
        get<WebhookDeliveryList>(path`/v1/webhook-endpoints/${endpointId}/deliveries`, { ...query }, call),
      redeliver: (endpointId: string, deliveryId: string, call?: CallOptions) =>
        post<WebhookDelivery>(
          path`/v1/webhook-endpoints/${endpointId}/deliveries/${deliveryId}/redeliver`,
          undefined,
          call,
        ),
      eventTypes: (call?: CallOptions) =>
        get<WebhookEventTypeList>("/v1/webhook-event-types", undefined, call),
    },
    ledger: {
      getTransaction: (transactionId: string, call?: CallOptions) =>
        get<LedgerTransaction>(path`/v1/ledger/transactions/${transactionId}`, undefined, call),
    },
  };
}
