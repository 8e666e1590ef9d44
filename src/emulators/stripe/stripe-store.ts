import { RecordTable } from "../shared/record-table.js";
import type {
  CardNumberRecord,
  EventObject,
  IdempotencyRecord,
  InvoiceObject,
  MeterEventObject,
  MeterObject,
  PortalSessionObject,
  SubscriptionObject,
  TestClockObject,
  WebhookDeliveryRecord,
  WebhookEndpointObject,
} from "./billing-records.js";
import type {
  AccountLinkRecord,
  AccountObject,
  ApplicationFeeObject,
  PayoutAccountRecord,
  PayoutObject,
  TransferObject,
} from "./connect-records.js";
import type { DisputeObject } from "./dispute-records.js";
import type {
  ChargeObject,
  CheckoutExtras,
  CheckoutSessionObject,
  CustomerObject,
  PaymentIntentObject,
  PaymentMethodObject,
  PriceObject,
  ProductObject,
  RefundObject,
} from "./stripe-records.js";

const TABLE_NAMES = [
  "customers",
  "deletedCustomers",
  "products",
  "prices",
  "checkoutSessions",
  "checkoutOptions",
  "paymentIntents",
  "paymentMethods",
  "charges",
  "refunds",
  "disputes",
  "subscriptions",
  "invoices",
  "portalSessions",
  "meters",
  "meterEvents",
  "webhookEndpoints",
  "endpointSecrets",
  "events",
  "deliveries",
  "testClocks",
  "idempotency",
  "cardNumbers",
  "accounts",
  "accountLinks",
  "transfers",
  "applicationFees",
  "payouts",
  "payoutAccounts",
  "connectEndpoints",
] as const;

type TableName = (typeof TABLE_NAMES)[number];

/** The persisted form of the whole emulator state (`--state-file`). */
export interface StripeStateSnapshot {
  version: 1;
  clockOffsetSeconds: number;
  tables: Record<TableName, Array<{ id: string }>>;
}

/** Which table an id belongs to, by Stripe's prefix; `expand[]` and retrieve-by-id use it. */
const PREFIX_TABLES: Array<[string, TableName]> = [
  ["cus_", "customers"],
  ["prod_", "products"],
  ["price_", "prices"],
  ["cs_", "checkoutSessions"],
  ["pi_", "paymentIntents"],
  ["pm_", "paymentMethods"],
  ["ch_", "charges"],
  ["re_", "refunds"],
  ["dp_", "disputes"],
  ["sub_", "subscriptions"],
  ["in_", "invoices"],
  ["bps_", "portalSessions"],
  ["mtr_", "meters"],
  ["we_", "webhookEndpoints"],
  ["evt_", "events"],
  ["clock_", "testClocks"],
  ["acct_", "accounts"],
  ["tr_", "transfers"],
  ["fee_", "applicationFees"],
  ["po_", "payouts"],
];

/** All emulator state, in memory, in creation order; `snapshot()`/`restore()` give JSON persistence. */
export class StripeStore {
  readonly customers = new RecordTable<CustomerObject>();
  /** Deleted customers still answer retrieve with `{deleted: true}`. */
  readonly deletedCustomers = new RecordTable<{ id: string }>();
  readonly products = new RecordTable<ProductObject>();
  readonly prices = new RecordTable<PriceObject>();
  readonly checkoutSessions = new RecordTable<CheckoutSessionObject>();
  /** Session id → create options used at completion that Stripe's session object does not show. */
  readonly checkoutOptions = new RecordTable<CheckoutExtras & { id: string }>();
  readonly paymentIntents = new RecordTable<PaymentIntentObject>();
  readonly paymentMethods = new RecordTable<PaymentMethodObject>();
  readonly charges = new RecordTable<ChargeObject>();
  readonly refunds = new RecordTable<RefundObject>();
  readonly disputes = new RecordTable<DisputeObject>();
  readonly subscriptions = new RecordTable<SubscriptionObject>();
  readonly invoices = new RecordTable<InvoiceObject>();
  readonly portalSessions = new RecordTable<PortalSessionObject>();
  readonly meters = new RecordTable<MeterObject>();
  /** Keyed by `identifier` (meter events have no id), which is what makes duplicates detectable. */
  readonly meterEvents = new RecordTable<MeterEventObject & { id: string }>();
  readonly webhookEndpoints = new RecordTable<WebhookEndpointObject>();
  /** Endpoint id → signing secret: Stripe shows the secret once, on create. */
  readonly endpointSecrets = new RecordTable<{ id: string; secret: string }>();
  readonly events = new RecordTable<EventObject>();
  readonly deliveries = new RecordTable<WebhookDeliveryRecord>();
  readonly testClocks = new RecordTable<TestClockObject>();
  readonly idempotency = new RecordTable<IdempotencyRecord>();
  /** Payment method id → the test card number behind it (never part of Stripe's object). */
  readonly cardNumbers = new RecordTable<CardNumberRecord>();
  readonly accounts = new RecordTable<AccountObject>();
  readonly accountLinks = new RecordTable<AccountLinkRecord>();
  readonly transfers = new RecordTable<TransferObject>();
  readonly applicationFees = new RecordTable<ApplicationFeeObject>();
  readonly payouts = new RecordTable<PayoutObject>();
  /** Payout id → the connected account it pays out (Stripe answers it only under `Stripe-Account`). */
  readonly payoutAccounts = new RecordTable<PayoutAccountRecord>();
  /** Ids of endpoints created with `connect=true`: they receive connected accounts' events only. */
  readonly connectEndpoints = new RecordTable<{ id: string }>();

  /** Any stored object by id, for `expand[]`. */
  findById(id: string): { id: string } | undefined {
    for (const [prefix, name] of PREFIX_TABLES) {
      if (id.startsWith(prefix)) return (this[name] as RecordTable<{ id: string }>).get(id);
    }
    return undefined;
  }

  snapshot(clockOffsetSeconds: number): StripeStateSnapshot {
    const tables = {} as StripeStateSnapshot["tables"];
    for (const name of TABLE_NAMES) tables[name] = (this[name] as RecordTable<{ id: string }>).all();
    return { version: 1, clockOffsetSeconds, tables };
  }

  restore(snapshot: StripeStateSnapshot): void {
    if (snapshot.version !== 1)
      throw new Error(`Unsupported emulator state version ${String(snapshot.version)}`);
    for (const name of TABLE_NAMES) {
      const table = this[name] as RecordTable<{ id: string }>;
      for (const row of snapshot.tables[name] ?? []) table.put(row);
    }
  }
}
