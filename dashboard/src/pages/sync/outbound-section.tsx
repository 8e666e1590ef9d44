import { useEffect, useRef, useState } from "react";
import { api } from "../../api.js";
import {
  ActionButton,
  Empty,
  Loaded,
  type Resource,
  Section,
  StatusBadge,
  useResource,
} from "../../components.js";
import type { OutboundDelivery, WebhookEndpoint } from "../../types.js";
import { OutboundDeliveryTable } from "./outbound-delivery-table.js";

/** How many of an endpoint's deliveries the page lists, newest event first. */
const recentDeliveries = 20;

/** Billhook's own webhooks: every registered endpoint with its recent deliveries. */
export function OutboundSection(props: {
  endpoints: Resource<{ items: WebhookEndpoint[] }>;
  generation: number;
}) {
  return (
    <Section title="Outbound webhooks">
      <Loaded resource={props.endpoints} label="webhook endpoints">
        {(data) =>
          data.items.length === 0 ? (
            <Empty title="No endpoints registered">
              Register your app's URL with an admin key: <code>POST /v1/webhook-endpoints</code> with{" "}
              <code>url</code> and <code>eventTypes</code> (e.g. <code>entitlements.changed</code>,{" "}
              <code>credits.*</code>). Billhook then sends it signed events, and the endpoint shows up here
              with its recent deliveries. See docs/webhooks.md.
            </Empty>
          ) : (
            data.items.map((endpoint) => (
              <EndpointCard
                key={endpoint.id}
                endpoint={endpoint}
                generation={props.generation}
                onChanged={props.endpoints.reload}
              />
            ))
          )
        }
      </Loaded>
    </Section>
  );
}

function EndpointCard(props: { endpoint: WebhookEndpoint; generation: number; onChanged(): void }) {
  const { endpoint } = props;
  const base = `/v1/webhook-endpoints/${encodeURIComponent(endpoint.id)}`;
  const deliveries = useResource<{ items: OutboundDelivery[] }>(
    `${base}/deliveries?limit=${recentDeliveries}`,
  );
  // The page's Refresh reloads every endpoint's deliveries too (not on first render: that loads anyway).
  const firstGeneration = useRef(props.generation);
  const { reload } = deliveries;
  useEffect(() => {
    if (props.generation !== firstGeneration.current) reload();
  }, [props.generation, reload]);

  // Said by the card, not the button: the button goes away with the pause once the list reloads.
  const [resumed, setResumed] = useState(false);
  const resume = async () => {
    await api<WebhookEndpoint>(`${base}/resume`, { method: "POST" });
    setResumed(true);
    props.onChanged();
    deliveries.reload();
    return undefined;
  };
  const headingId = `endpoint-${endpoint.id}`;
  return (
    <article className="endpoint" aria-labelledby={headingId}>
      <div className="endpoint-header">
        <h3 id={headingId}>
          <code>{endpoint.url}</code>
        </h3>
        <StatusBadge status={endpoint.status} />
      </div>
      {endpoint.description ? <p className="muted small">{endpoint.description}</p> : null}
      <p className="small">
        <span className="muted">Subscribed to </span>
        {endpoint.eventTypes.map((type, index) => (
          <span key={type}>
            {index > 0 ? ", " : null}
            <code>{type}</code>
          </span>
        ))}
      </p>
      <p className="text-good small" role="status">
        {resumed && endpoint.status === "active"
          ? "Resumed: its queued deliveries go out on the worker's next run, in order."
          : ""}
      </p>
      {endpoint.status === "paused" ? (
        <div className="notice notice-warn endpoint-paused">
          <p>
            <strong>Paused</strong> ({endpoint.pauseReason ?? "by hand"}). Its deliveries stay queued until it
            is resumed.
          </p>
          <ActionButton
            label="Resume"
            busyLabel="Resuming…"
            ariaLabel={`Resume ${endpoint.url}`}
            run={resume}
          />
        </div>
      ) : null}
      <Loaded resource={deliveries} label="deliveries">
        {(data) =>
          data.items.length === 0 ? (
            <p className="muted small">
              No deliveries yet: events of the subscribed types are sent here as they happen.
            </p>
          ) : (
            <OutboundDeliveryTable
              items={data.items}
              base={base}
              label={`Recent deliveries to ${endpoint.url}`}
              onChanged={deliveries.reload}
            />
          )
        }
      </Loaded>
    </article>
  );
}
