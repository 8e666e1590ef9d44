import { RecordTable } from "../shared/record-table.js";
import type {
  BenefitGrantRecord,
  BenefitRecord,
  CheckoutRecord,
  CustomerRecord,
  CustomerSessionRecord,
  EventRecord,
  MeterRecord,
  OrderRecord,
  OrganizationRecord,
  PriceRecord,
  ProductRecord,
  RefundRecord,
  SubscriptionRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from "./polar-records.js";

const TABLE_NAMES = [
  "products",
  "prices",
  "customers",
  "checkouts",
  "subscriptions",
  "orders",
  "refunds",
  "meters",
  "events",
  "benefits",
  "benefitGrants",
  "customerSessions",
  "webhookEndpoints",
  "webhookEvents",
  "webhookDeliveries",
] as const;

/** The persisted form of the whole emulator state. */
export interface PolarStateSnapshot {
  version: 1;
  organization: OrganizationRecord;
  clockOffsetSeconds: number;
  invoiceCounter: number;
  tables: Record<(typeof TABLE_NAMES)[number], Array<{ id: string }>>;
}

/** All emulator state, in memory; `snapshot()`/`restore()` give the optional JSON persistence. */
export class PolarStore {
  readonly products = new RecordTable<ProductRecord>();
  readonly prices = new RecordTable<PriceRecord>();
  readonly customers = new RecordTable<CustomerRecord>();
  readonly checkouts = new RecordTable<CheckoutRecord>();
  readonly subscriptions = new RecordTable<SubscriptionRecord>();
  readonly orders = new RecordTable<OrderRecord>();
  readonly refunds = new RecordTable<RefundRecord>();
  readonly meters = new RecordTable<MeterRecord>();
  readonly events = new RecordTable<EventRecord>();
  readonly benefits = new RecordTable<BenefitRecord>();
  readonly benefitGrants = new RecordTable<BenefitGrantRecord>();
  readonly customerSessions = new RecordTable<CustomerSessionRecord>();
  readonly webhookEndpoints = new RecordTable<WebhookEndpointRecord>();
  readonly webhookEvents = new RecordTable<WebhookEventRecord>();
  readonly webhookDeliveries = new RecordTable<WebhookDeliveryRecord>();
  invoiceCounter = 0;

  constructor(public organization: OrganizationRecord) {}

  nextInvoiceNumber(): string {
    this.invoiceCounter += 1;
    return `EMU-${String(this.invoiceCounter).padStart(4, "0")}`;
  }

  snapshot(clockOffsetSeconds: number): PolarStateSnapshot {
    const tables = {} as PolarStateSnapshot["tables"];
    for (const name of TABLE_NAMES) tables[name] = (this[name] as RecordTable<{ id: string }>).all();
    return {
      version: 1,
      organization: this.organization,
      clockOffsetSeconds,
      invoiceCounter: this.invoiceCounter,
      tables,
    };
  }

  restore(snapshot: PolarStateSnapshot): void {
    if (snapshot.version !== 1)
      throw new Error(`Unsupported emulator state version ${String(snapshot.version)}`);
    this.organization = snapshot.organization;
    this.invoiceCounter = snapshot.invoiceCounter;
    for (const name of TABLE_NAMES) {
      const table = this[name] as RecordTable<{ id: string }>;
      for (const row of snapshot.tables[name] ?? []) table.put(row);
    }
  }
}
