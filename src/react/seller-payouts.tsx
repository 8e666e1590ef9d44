import { useCallback, useEffect, useId, useState } from "react";
import type { SellerDashboard } from "../client/contract.js";
import { BillhookApiError } from "../client/errors.js";
import { useBillhook } from "./billhook-provider.js";
import { formatMoney } from "./format.js";

type Charge = SellerDashboard["charges"][number];
type Payout = SellerDashboard["payouts"][number];

export interface SellerPayoutsProps {
  /** The card's heading; default "Earnings". */
  title?: string;
  /** How many recent earnings and payouts to list; default 10. */
  limit?: number;
  /**
   * Reads the dashboard again this often (it is not streamed); default: only at mount and when the
   * seller presses Refresh.
   */
  refreshIntervalMs?: number;
}

type Load =
  | { state: "loading" }
  | { state: "ready"; dashboard: SellerDashboard }
  | { state: "not-seller" }
  | { state: "failed" };

const payoutLabels: Record<Payout["status"], string> = {
  pending: "Pending",
  in_transit: "In transit",
  paid: "Paid",
  failed: "Failed",
  canceled: "Canceled",
};

/** `1000` → `10% (1000 bps)`. */
export function formatFeeBps(feeBps: number): string {
  const percent = (feeBps / 100).toLocaleString(undefined, { maximumFractionDigits: 2 });
  return `${percent}% (${feeBps} bps)`;
}

const day = (iso: string) =>
  new Date(iso).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });

/**
 * A marketplace seller's earnings: totals (pending, available, paid, lifetime) per currency, their
 * recent charges with the platform fee in force for each (in bps), and their payouts. The signed-in
 * customer of the `BillhookProvider` is the seller: your server mints the customer token for the
 * seller's `externalId`, which may read that seller's dashboard and nothing else.
 *
 * @example
 * <BillhookProvider baseUrl={billingUrl} customerId={user.id} getToken={fetchToken}>
 *   <SellerPayouts title="Your earnings" />
 * </BillhookProvider>
 */
export function SellerPayouts(props: SellerPayoutsProps) {
  const { client, customerId } = useBillhook("<SellerPayouts>");
  const limit = props.limit ?? 10;
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [version, setVersion] = useState(0);
  const refresh = useCallback(() => setVersion((value) => value + 1), []);
  const headingId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refetch trigger
  useEffect(() => {
    if (!client) return;
    let current = true;
    client.sellers
      .dashboardOf(customerId, { limit })
      .then((dashboard) => current && setLoad({ state: "ready", dashboard }))
      .catch((error: unknown) => {
        if (!current) return;
        const notSeller = error instanceof BillhookApiError && error.code === "NOT_FOUND";
        setLoad(notSeller ? { state: "not-seller" } : { state: "failed" });
      });
    return () => {
      current = false;
    };
  }, [client, customerId, limit, version]);

  useEffect(() => {
    if (!props.refreshIntervalMs) return;
    const timer = setInterval(refresh, props.refreshIntervalMs);
    return () => clearInterval(timer);
  }, [props.refreshIntervalMs, refresh]);

  const dashboard = load.state === "ready" ? load.dashboard : null;
  const empty = dashboard !== null && dashboard.charges.length === 0 && dashboard.payouts.length === 0;
  return (
    <section
      className="bh-card bh-seller-payouts"
      aria-labelledby={headingId}
      aria-busy={load.state === "loading"}
    >
      <div className="bh-seller-head">
        <h2 id={headingId}>{props.title ?? "Earnings"}</h2>
        <button type="button" className="bh-button bh-secondary bh-small" onClick={refresh}>
          Refresh
        </button>
      </div>
      <div aria-live="polite">
        {load.state === "loading" ? <p className="bh-muted">Loading earnings…</p> : null}
        {load.state === "failed" ? <p className="bh-muted">Earnings are unavailable right now.</p> : null}
        {load.state === "not-seller" ? <p className="bh-muted">You are not set up as a seller yet.</p> : null}
        {dashboard?.totals.map((totals) => (
          <dl className="bh-totals" key={totals.currency} data-currency={totals.currency}>
            {(
              [
                ["pending", "Pending", totals.pendingMinor],
                ["available", "Available", totals.availableMinor],
                ["paid", "Paid out", totals.paidMinor],
                ["lifetime", "Lifetime", totals.lifetimeMinor],
              ] as const
            ).map(([key, label, amountMinor]) => (
              <div key={key} className="bh-total" data-total={key} data-amount-minor={amountMinor}>
                <dt>{label}</dt>
                <dd>{formatMoney(amountMinor, totals.currency)}</dd>
              </div>
            ))}
          </dl>
        ))}
        {empty ? (
          <div className="bh-empty-note" role="status">
            <strong>No earnings yet.</strong>
            Tips and memberships appear here as soon as they are paid.
          </div>
        ) : null}
      </div>
      {dashboard && dashboard.charges.length > 0 ? <EarningsTable charges={dashboard.charges} /> : null}
      {dashboard && dashboard.payouts.length > 0 ? <PayoutsTable payouts={dashboard.payouts} /> : null}
    </section>
  );
}

function EarningsTable(props: { charges: Charge[] }) {
  return (
    <table className="bh-table bh-earnings">
      <caption>Recent earnings</caption>
      <thead>
        <tr>
          <th scope="col">Date</th>
          <th scope="col">Type</th>
          <th scope="col" className="bh-num">
            Amount
          </th>
          <th scope="col" className="bh-num">
            Platform fee
          </th>
          <th scope="col" className="bh-num">
            Processing fee
          </th>
          <th scope="col" className="bh-num">
            Your share
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {props.charges.map((charge) => (
          <tr
            key={charge.providerPaymentId}
            data-payment={charge.providerPaymentId}
            data-fee-bps={charge.feeBps}
          >
            <td>{day(charge.paidAt)}</td>
            <td>{charge.kind === "tip" ? "Tip" : "Membership"}</td>
            <td className="bh-num">{formatMoney(charge.grossMinor, charge.currency)}</td>
            <td className="bh-num">
              {formatMoney(charge.platformFeeMinor, charge.currency)}{" "}
              <span className="bh-muted">{formatFeeBps(charge.feeBps)}</span>
            </td>
            <td className="bh-num">{formatMoney(charge.providerFeeMinor, charge.currency)}</td>
            <td className="bh-num">{formatMoney(charge.sellerNetMinor, charge.currency)}</td>
            <td>
              {charge.status === "pending" ? `Pending until ${day(charge.availableAt)}` : "Available"}
              {charge.refundedMinor > 0 ? (
                <span className="bh-muted">
                  {" "}
                  · {formatMoney(charge.refundedMinor, charge.currency)} refunded
                </span>
              ) : null}
              {charge.disputedMinor > 0 ? (
                <span className="bh-muted">
                  {" "}
                  · {formatMoney(charge.disputedMinor, charge.currency)} disputed
                </span>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PayoutsTable(props: { payouts: Payout[] }) {
  return (
    <table className="bh-table bh-payouts">
      <caption>Payouts</caption>
      <thead>
        <tr>
          <th scope="col">Requested</th>
          <th scope="col" className="bh-num">
            Amount
          </th>
          <th scope="col">Status</th>
        </tr>
      </thead>
      <tbody>
        {props.payouts.map((payout) => (
          <tr key={payout.providerPayoutId} data-payout={payout.providerPayoutId} data-status={payout.status}>
            <td>{day(payout.createdAt)}</td>
            <td className="bh-num">{formatMoney(payout.amountMinor, payout.currency)}</td>
            <td>
              <span className={`bh-payout-status bh-payout-${payout.status}`}>
                {payoutLabels[payout.status]}
              </span>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
