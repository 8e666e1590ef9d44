import {
  Empty,
  Loaded,
  Money,
  PageHeader,
  Section,
  Stat,
  StatusBadge,
  TableHead,
  Time,
  useResource,
} from "../components.js";
import { RevenueChart } from "../revenue-chart.js";
import { Link } from "../router.js";
import type { Overview } from "../types.js";
import { OutboxStatus } from "./sync/outbox-status.js";

export function OverviewPage() {
  const overview = useResource<Overview>("/v1/admin/overview");
  return (
    <>
      <PageHeader
        title="Overview"
        description="Revenue from the ledger, who pays, what is owed in credits, and whether intake keeps up."
      />
      <Loaded resource={overview} label="the overview">
        {(data) => <OverviewBody data={data} />}
      </Loaded>
    </>
  );
}

function OverviewBody({ data }: { data: Overview }) {
  const primary = data.revenue[0];
  const webhookTone = data.webhooks.failed > 0 ? "bad" : data.webhooks.backlog > 0 ? "warn" : "good";
  return (
    <>
      <div className="stats">
        <Stat
          label="Revenue, last 30 days"
          value={primary ? <Money minor={primary.totalMinor} currency={primary.currency} /> : "—"}
          hint={
            data.revenue.length > 1
              ? `and ${data.revenue.length - 1} more currencies`
              : "net of tax and refunds"
          }
        />
        <Stat
          label="Live subscriptions"
          value={data.subscriptions.live}
          hint={`${data.subscriptions.byStatus.past_due ?? 0} past due`}
        />
        <Stat label="Customers" value={data.customers} />
        <Stat
          label="Credits outstanding"
          value={data.creditsOutstanding.reduce((sum, row) => sum + row.available, 0).toLocaleString("en-US")}
          hint={`${data.creditsOutstanding.reduce((sum, row) => sum + row.held, 0).toLocaleString("en-US")} held by open jobs`}
        />
        <Stat
          label="Webhook backlog"
          value={data.webhooks.backlog}
          tone={webhookTone}
          hint={data.webhooks.failed > 0 ? `${data.webhooks.failed} failed — see the inbox` : "all processed"}
        />
      </div>

      <Section title="Revenue">
        {data.revenue.length === 0 ? (
          <Empty title="No revenue booked yet">
            Paid orders appear here once the provider's <code>order.paid</code> webhook is processed. Push the
            catalog and complete a checkout (in <code>billhook dev</code>, pay with 4242 4242 4242 4242).
          </Empty>
        ) : (
          data.revenue.map((series) => <RevenueChart key={series.currency} series={series} />)
        )}
      </Section>

      <div className="grid-2">
        <Section title="Credits outstanding">
          {data.creditsOutstanding.length === 0 ? (
            <Empty title="No credits granted">
              Credits appear when a customer buys a credit pack or a plan with an allowance.
            </Empty>
          ) : (
            <table>
              <TableHead
                columns={[
                  "Credit type",
                  { label: "Available", numeric: true },
                  { label: "Held", numeric: true },
                ]}
              />
              <tbody>
                {data.creditsOutstanding.map((row) => (
                  <tr key={row.currency}>
                    <td>{row.currency.toLowerCase()}</td>
                    <td className="numeric">{row.available.toLocaleString("en-US")}</td>
                    <td className="numeric">{row.held.toLocaleString("en-US")}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Section>
        <Section
          title="Webhook and sync health"
          actions={
            <span className="small">
              <Link to="/webhooks">Open inbox</Link> · <Link to="/sync">Outbox and sync</Link>
            </span>
          }
        >
          <dl className="facts">
            {(["received", "processed", "ignored", "failed"] as const).map((status) => (
              <div key={status}>
                <dt>
                  <StatusBadge status={status} />
                </dt>
                <dd className="numeric">{data.webhooks.byStatus[status] ?? 0}</dd>
              </div>
            ))}
            <div>
              <dt>Oldest waiting</dt>
              <dd>
                <Time iso={data.webhooks.oldestPendingAt} />
              </dd>
            </div>
          </dl>
          <OutboxStatus />
        </Section>
      </div>
      <p className="muted small">
        As of <Time iso={data.asOf} /> UTC.
      </p>
    </>
  );
}
