import { api } from "../../api.js";
import { ActionButton, StatusBadge, TableHead, Time } from "../../components.js";
import type { OutboundDelivery } from "../../types.js";

/** An endpoint's recent deliveries; a failed one can be queued again. */
export function OutboundDeliveryTable(props: {
  items: OutboundDelivery[];
  base: string;
  label: string;
  onChanged(): void;
}) {
  const redeliver = (delivery: OutboundDelivery) => async () => {
    await api<OutboundDelivery>(`${props.base}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`, {
      method: "POST",
    });
    props.onChanged();
    return "Queued again.";
  };
  return (
    <table aria-label={props.label}>
      <TableHead
        columns={[
          "Event",
          "Status",
          { label: "Attempts", numeric: true },
          "Last attempt",
          "Last error",
          { label: "Actions", visuallyHidden: true },
        ]}
      />
      <tbody>
        {props.items.map((delivery) => {
          const failed = delivery.status === "pending" && delivery.lastError !== null;
          return (
            <tr key={delivery.id}>
              <td>
                <code>{delivery.eventType}</code>
                <div className="muted small">{delivery.eventId}</div>
              </td>
              <td>
                <StatusBadge status={failed ? "failed" : delivery.status} />
              </td>
              <td className="numeric">{delivery.attempts}</td>
              <td>
                <Time iso={delivery.deliveredAt ?? delivery.lastAttemptAt} />
              </td>
              <td className={`truncate${failed ? " text-bad" : ""}`} title={delivery.lastError ?? undefined}>
                {failed ? delivery.lastError : "—"}
              </td>
              <td>
                {failed ? (
                  <ActionButton
                    label="Redeliver"
                    busyLabel="Queuing…"
                    variant="secondary"
                    ariaLabel={`Redeliver ${delivery.eventType} ${delivery.eventId}`}
                    run={redeliver(delivery)}
                  />
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
