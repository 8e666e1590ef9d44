import {
  Empty,
  formatMoney,
  Loaded,
  Money,
  PageHeader,
  Section,
  StatusBadge,
  TableHead,
  Time,
  UsageBar,
  useResource,
} from "../components.js";
import { Link } from "../router.js";
import type { CustomerSummary } from "../types.js";
import { PaymentsTable } from "./payments.js";

export function CustomerPage(props: { customerId: string }) {
  const summary = useResource<CustomerSummary>(`/v1/customers/${encodeURIComponent(props.customerId)}`);
  return (
    <>
      <p className="breadcrumb">
        <Link to="/customers">Customers</Link> / <span>{props.customerId}</span>
      </p>
      <PageHeader
        title={summary.data?.customer?.name ?? props.customerId}
        description={
          summary.data?.customer
            ? `${summary.data.customer.email ?? "no email"} · ${summary.data.customer.provider} ${summary.data.customer.providerCustomerId ?? "(not linked yet)"}`
            : summary.data
              ? "No customer record: only what other modules hold for this id is shown."
              : undefined
        }
      />
      <Loaded resource={summary} label="the customer">
        {(data) => <CustomerBody data={data} />}
      </Loaded>
    </>
  );
}

function CustomerBody({ data }: { data: CustomerSummary }) {
  return (
    <>
      <div className="grid-2">
        <Section title="Entitlements">
          {data.entitlements.length === 0 ? (
            <Empty title="No active entitlements">
              Features appear here when a subscription, purchase or grant gives them.
            </Empty>
          ) : (
            <table>
              <TableHead columns={["Feature", "Granted by", "Until"]} />
              <tbody>
                {data.entitlements.map((row) => (
                  <tr key={`${row.feature}:${row.sourceId}`}>
                    <td>
                      <code>{row.feature}</code>
                    </td>
                    <td>
                      {row.catalogKey} <span className="muted small">({row.sourceKind})</span>
                    </td>
                    <td>{row.activeUntil ? <Time iso={row.activeUntil} /> : "until changed"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section title="Credit balances">
          {data.credits.length === 0 ? (
            <Empty title="No credit types">
              Declare credit types in billhook.config.ts to sell credit packs.
            </Empty>
          ) : (
            <table>
              <TableHead
                columns={["Type", { label: "Available", numeric: true }, { label: "Held", numeric: true }]}
              />
              <tbody>
                {data.credits.map((balance) => (
                  <tr key={balance.type}>
                    <td>{balance.type}</td>
                    <td className="numeric">
                      {balance.available.toLocaleString("en-US")} {balance.unit}s
                    </td>
                    <td className="numeric">{balance.held.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {data.openHolds.length > 0 ? (
            <>
              <h3>Open holds</h3>
              <ul className="plain-list">
                {data.openHolds.map((hold) => (
                  <li key={hold.id}>
                    {hold.amountHeld} {hold.type} held, expires <Time iso={hold.expiresAt} />
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </Section>
      </div>

      {data.usage.length > 0 ? (
        <Section title="Usage this period">
          <ul className="plain-list usage-list">
            {data.usage.map((meter) => (
              <li key={meter.meter}>
                <div className="usage-row">
                  <span>{meter.name}</span>
                  <span className="numeric">
                    {meter.consumed.toLocaleString("en-US")}
                    {meter.credited === null
                      ? " (unlimited)"
                      : ` of ${meter.credited.toLocaleString("en-US")}`}{" "}
                    <StatusBadge status={meter.status} />
                  </span>
                </div>
                <UsageBar percent={meter.percentUsed} status={meter.status} label={`${meter.name} used`} />
              </li>
            ))}
          </ul>
        </Section>
      ) : null}

      <Section title="Subscriptions">
        {data.subscriptions.length === 0 ? (
          <Empty title="No subscriptions">Subscriptions appear when the customer buys a plan.</Empty>
        ) : (
          <table>
            <TableHead columns={["Plan", "Status", "Period ends"]} />
            <tbody>
              {data.subscriptions.map((subscription) => (
                <tr key={subscription.providerSubscriptionId}>
                  <td>
                    {subscription.product}
                    <div className="muted small">{subscription.providerSubscriptionId}</div>
                  </td>
                  <td>
                    <StatusBadge status={subscription.status} />
                    {subscription.cancelAtPeriodEnd ? (
                      <span className="muted small"> cancels at period end</span>
                    ) : null}
                  </td>
                  <td>
                    <Time iso={subscription.currentPeriodEnd} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>

      <Section title="Payments">
        {data.payments.length === 0 ? (
          <Empty title="No payments">
            {data.checkouts.length > 0
              ? `${data.checkouts.length} checkout(s) started, none paid yet.`
              : "Payments appear when an order is paid at the provider."}
          </Empty>
        ) : (
          <PaymentsTable items={data.payments} showCustomer={false} />
        )}
      </Section>

      <Section title="Ledger">
        {data.ledger.length === 0 ? (
          <Empty title="No ledger entries">
            Paid orders, refunds and credit movements of this customer are booked here.
          </Empty>
        ) : (
          <table>
            <TableHead columns={["Posted", "Transaction", "Entries"]} />
            <tbody>
              {data.ledger.map((row) => (
                <tr key={row.transactionId}>
                  <td>
                    <Time iso={row.postedAt} />
                  </td>
                  <td>
                    <span>{row.description || row.transactionId}</span>
                    <div className="muted small">{row.transactionId}</div>
                  </td>
                  <td>
                    <ul className="plain-list entries">
                      {row.entries.map((entry) => (
                        <li
                          key={`${entry.accountKind}:${entry.ownerId}:${entry.currency}:${entry.amountMinor}`}
                        >
                          <span>{entry.accountKind.replaceAll("_", " ")}</span>
                          <span className={`numeric ${entry.amountMinor < 0 ? "text-bad" : "text-good"}`}>
                            {isMoney(entry.currency) ? (
                              <Money minor={entry.amountMinor} currency={entry.currency} />
                            ) : (
                              `${entry.amountMinor} ${entry.currency.toLowerCase()}`
                            )}
                          </span>
                        </li>
                      ))}
                    </ul>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
    </>
  );
}

/** Credit types are ledger currencies of their own (IMAGES); only ISO codes are formatted as money. */
function isMoney(currency: string): boolean {
  return /^[A-Z]{3}$/.test(currency) && formatMoney(1, currency) !== `1 ${currency}`;
}
