import {
  Empty,
  Loaded,
  Money,
  PageHeader,
  Section,
  StatusBadge,
  TableHead,
  Time,
  useResource,
} from "../components.js";
import { Link, navigate, useLocation } from "../router.js";
import type { Payment } from "../types.js";

const statuses = ["paid", "partially_refunded", "refunded", "pending", "void"] as const;

export function PaymentsPage() {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const filter = new URLSearchParams({ limit: "100" });
  if (status) filter.set("status", status);
  const list = useResource<{ items: Payment[] }>(`/v1/payments?${filter}`);
  return (
    <>
      <PageHeader
        title="Payments and refunds"
        description="Orders as the provider reported them. Refunds and chargebacks are reversed in the ledger."
      />
      <div className="toolbar">
        <label>
          Status
          <select
            value={status}
            onChange={(event) =>
              navigate(`/payments${event.target.value ? `?status=${event.target.value}` : ""}`, {
                replace: true,
              })
            }
          >
            <option value="">Any status</option>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {value.replaceAll("_", " ")}
              </option>
            ))}
          </select>
        </label>
      </div>
      <Section title="Payments">
        <Loaded resource={list} label="payments">
          {(data) =>
            data.items.length === 0 ? (
              <Empty title={status ? "No payments with this status" : "No payments yet"}>
                {status
                  ? "Choose “Any status” to see every payment."
                  : "Paid orders appear here once the provider's order webhook is processed."}
              </Empty>
            ) : (
              <PaymentsTable items={data.items} showCustomer />
            )
          }
        </Loaded>
      </Section>
    </>
  );
}

export function PaymentsTable(props: { items: Payment[]; showCustomer: boolean }) {
  return (
    <table>
      <TableHead
        columns={[
          "Order",
          "Customer",
          "Status",
          { label: "Total", numeric: true },
          { label: "Refunded", numeric: true },
          "Updated",
        ]}
      />
      <tbody>
        {props.items.map((payment) => (
          <tr key={payment.providerOrderId}>
            <td>
              {payment.product ?? "—"}
              <div className="muted small">
                {payment.provider} {payment.providerOrderId} · {payment.billingReason}
              </div>
            </td>
            {props.showCustomer ? (
              <td>
                <Link to={`/customers/${encodeURIComponent(payment.customerId)}`}>{payment.customerId}</Link>
              </td>
            ) : null}
            <td>
              <StatusBadge status={payment.status} />
            </td>
            <td className="numeric">
              <Money minor={payment.totalMinor} currency={payment.currency} />
            </td>
            <td className="numeric">
              {payment.refundedMinor + payment.refundedTaxMinor > 0 ? (
                <Money minor={payment.refundedMinor + payment.refundedTaxMinor} currency={payment.currency} />
              ) : (
                <span className="muted">—</span>
              )}
            </td>
            <td>
              <Time iso={payment.updatedAt} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
