import { useEffect, useId, useState } from "react";
import type { UsageStatus } from "../client/contract.js";
import { useBillhook, useBillhookEvents } from "./billhook-provider.js";

export type MeterStatus = UsageStatus["items"][number];

const statusLabels: Record<MeterStatus["status"], string> = {
  ok: "OK",
  warning: "Warning",
  critical: "Critical",
  exceeded: "Limit reached",
};

export interface UsageMeterProps {
  /** One meter's key; all of the customer's meters when omitted. */
  meter?: string;
  /** A heading above the meters; none when omitted. */
  title?: string;
}

/**
 * A health bar per usage meter: how much of this period's allowance is used, coloured ok, warning,
 * critical or exceeded (thresholds from Billhook's settings), updated live.
 *
 * @example
 * <UsageMeter meter="api_calls" title="API usage" />
 */
export function UsageMeter(props: UsageMeterProps) {
  const { client, customerId } = useBillhook("<UsageMeter>");
  const [items, setItems] = useState<MeterStatus[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [version, setVersion] = useState(0);
  useBillhookEvents((event) => {
    if (event.event === "usage.changed" || event.event === "snapshot") setVersion((value) => value + 1);
  });
  // biome-ignore lint/correctness/useExhaustiveDependencies: `version` is the refetch trigger
  useEffect(() => {
    if (!client) return;
    let current = true;
    client.usage
      .status(customerId)
      .then((answer) => {
        if (!current) return;
        setItems(answer.items);
        setFailed(false);
      })
      .catch(() => current && setFailed(true));
    return () => {
      current = false;
    };
  }, [client, customerId, version]);

  const shown = items?.filter((item) => props.meter === undefined || item.meter === props.meter);
  return (
    <section className="bh-card bh-usage" aria-label={props.title ?? "Usage"} aria-busy={items === null}>
      {props.title ? <h2>{props.title}</h2> : null}
      {failed ? <p className="bh-muted">Usage is unavailable right now.</p> : null}
      {shown === undefined && !failed ? <p className="bh-muted">Loading usage…</p> : null}
      {shown?.length === 0 ? <p className="bh-muted">Nothing metered yet.</p> : null}
      {shown?.map((item) => (
        <MeterBar key={item.meter} item={item} />
      ))}
    </section>
  );
}

/** One meter's bar; usable on its own with a status you already have. */
export function MeterBar({ item }: { item: MeterStatus }) {
  const labelId = useId();
  const percent = item.percentUsed === null ? null : Math.round(item.percentUsed);
  const width = percent === null ? 0 : Math.min(100, Math.max(0, percent));
  const used =
    item.credited === null
      ? `${item.consumed.toLocaleString()} used · unlimited`
      : `${item.consumed.toLocaleString()} of ${item.credited.toLocaleString()} used`;
  const resets = new Date(item.resetsAt).toLocaleDateString(undefined, { month: "short", day: "numeric" });
  return (
    <div className={`bh-meter bh-${item.status}`} data-meter={item.meter} data-status={item.status}>
      <div className="bh-meter-head">
        <span className="bh-meter-name" id={labelId}>
          {item.name}
        </span>
        <span className="bh-status">{statusLabels[item.status]}</span>
      </div>
      <div
        className="bh-track"
        role="progressbar"
        aria-labelledby={labelId}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(percent === null ? {} : { "aria-valuenow": Math.min(100, percent) })}
        aria-valuetext={`${used}${percent === null ? "" : ` (${percent}%)`}, ${statusLabels[item.status]}`}
      >
        <div className="bh-fill" style={{ width: `${width}%` }} />
      </div>
      <p className="bh-muted" style={{ margin: "6px 0 0" }}>
        {used}
        {percent === null ? "" : ` (${percent}%)`} · resets {resets}
      </p>
    </div>
  );
}
