import { type FormEvent, useState } from "react";
import { api } from "../api.js";
import {
  ActionButton,
  Empty,
  Loaded,
  PageHeader,
  Section,
  StatusBadge,
  TableHead,
  Time,
  useResource,
} from "../components.js";
import { navigate, useLocation } from "../router.js";
import type { WebhookDelivery } from "../types.js";

const statuses = ["received", "processed", "ignored", "failed"] as const;

export function WebhooksPage() {
  const { query } = useLocation();
  const status = query.get("status") ?? "";
  const eventType = query.get("eventType") ?? "";
  const selected = query.get("selected");
  const [typeInput, setTypeInput] = useState(eventType);
  const filter = new URLSearchParams({ limit: "100" });
  if (status) filter.set("status", status);
  if (eventType) filter.set("eventType", eventType);
  const list = useResource<{ items: WebhookDelivery[] }>(`/v1/webhook-deliveries?${filter}`);

  const go = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(query);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    const search = next.toString();
    navigate(`/webhooks${search ? `?${search}` : ""}`, { replace: true });
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    go({ eventType: typeInput.trim() || null, selected: null });
  };

  return (
    <>
      <PageHeader
        title="Webhook inbox"
        description="Every verified provider delivery, stored before it is processed. Failed ones are retried with back-off; replay one to process it now."
      />
      <form className="toolbar" onSubmit={onSubmit} aria-label="Filter deliveries">
        <label>
          Status
          <select
            value={status}
            onChange={(event) => go({ status: event.target.value || null, selected: null })}
          >
            <option value="">Any status</option>
            {statuses.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </label>
        <label>
          Event type
          <input
            type="search"
            value={typeInput}
            placeholder="e.g. order.paid"
            onChange={(event) => setTypeInput(event.target.value)}
          />
        </label>
        <button type="submit" className="button button-secondary">
          Filter
        </button>
      </form>
      <div className={selected ? "split" : undefined}>
        <Section title="Deliveries">
          <Loaded resource={list} label="deliveries">
            {(data) =>
              data.items.length === 0 ? (
                <Empty title={status || eventType ? "No deliveries match" : "No deliveries yet"}>
                  {status || eventType
                    ? "Clear the filters to see every delivery."
                    : "Point your provider's webhook at /v1/webhooks/polar or /v1/webhooks/stripe; each delivery shows up here as it arrives."}
                </Empty>
              ) : (
                <table>
                  <TableHead
                    columns={["Event", "Status", { label: "Attempts", numeric: true }, "Received"]}
                  />
                  <tbody>
                    {data.items.map((delivery) => (
                      <tr key={delivery.id} className={delivery.id === selected ? "selected" : undefined}>
                        <td>
                          <button
                            type="button"
                            className="link-button"
                            aria-pressed={delivery.id === selected}
                            onClick={() => go({ selected: delivery.id })}
                          >
                            {delivery.eventType}
                          </button>
                          <div className="muted small">
                            {delivery.provider} · {delivery.deliveryId}
                          </div>
                        </td>
                        <td>
                          <StatusBadge status={delivery.status} />
                        </td>
                        <td className="numeric">{delivery.attempts}</td>
                        <td>
                          <Time iso={delivery.receivedAt} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </Loaded>
        </Section>
        {selected ? (
          <DeliveryDetail id={selected} onChanged={list.reload} onClose={() => go({ selected: null })} />
        ) : null}
      </div>
    </>
  );
}

function DeliveryDetail(props: { id: string; onChanged(): void; onClose(): void }) {
  const delivery = useResource<WebhookDelivery & { payload: unknown }>(
    `/v1/webhook-deliveries/${encodeURIComponent(props.id)}`,
  );
  const replay = async () => {
    const after = await api<WebhookDelivery>(
      `/v1/webhook-deliveries/${encodeURIComponent(props.id)}/replay`,
      {
        method: "POST",
      },
    );
    delivery.reload();
    props.onChanged();
    return after.status === "failed"
      ? `Still failing: ${after.lastError ?? "unknown error"}`
      : `Replayed: now ${after.status}.`;
  };
  return (
    <Section
      title="Delivery"
      id="delivery-detail"
      actions={
        <button type="button" className="button button-secondary" onClick={props.onClose}>
          Close
        </button>
      }
    >
      <Loaded resource={delivery} label="the delivery">
        {(data) => (
          <>
            <dl className="facts">
              <div>
                <dt>Event</dt>
                <dd>{data.eventType}</dd>
              </div>
              <div>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={data.status} />
                </dd>
              </div>
              <div>
                <dt>Attempts</dt>
                <dd className="numeric">{data.attempts}</dd>
              </div>
              <div>
                <dt>Processed</dt>
                <dd>
                  <Time iso={data.processedAt} />
                </dd>
              </div>
            </dl>
            {data.lastError ? (
              <div className="notice notice-error">
                <strong>Last error: </strong>
                {data.lastError}
              </div>
            ) : null}
            <ActionButton label="Replay now" busyLabel="Replaying…" run={replay} />
            <label className="payload-label">
              Raw payload
              <textarea
                className="payload"
                readOnly
                rows={18}
                value={JSON.stringify(data.payload, null, 2)}
              />
            </label>
          </>
        )}
      </Loaded>
    </Section>
  );
}
