import { useState } from "react";
import {
  Empty,
  Loaded,
  PageHeader,
  Section,
  Stat,
  StatusBadge,
  TableHead,
  Time,
  useResource,
} from "../components.js";
import { Link } from "../router.js";
import type { Overview, UsageSyncStatus, WebhookDelivery, WebhookEndpoint } from "../types.js";
import { formatLag } from "./sync/format-lag.js";
import { OutboundSection } from "./sync/outbound-section.js";
import { UsageSyncSection } from "./sync/usage-sync-section.js";

export function SyncPage() {
  const overview = useResource<Overview>("/v1/admin/overview");
  const waiting = useResource<{ items: WebhookDelivery[] }>(
    "/v1/webhook-deliveries?status=received&limit=50",
  );
  const failed = useResource<{ items: WebhookDelivery[] }>("/v1/webhook-deliveries?status=failed&limit=50");
  const sync = useResource<UsageSyncStatus>("/v1/usage/sync");
  const endpoints = useResource<{ items: WebhookEndpoint[] }>("/v1/webhook-endpoints");
  const [generation, setGeneration] = useState(0);
  const refresh = () => {
    for (const resource of [overview, waiting, failed, sync, endpoints]) resource.reload();
    setGeneration((value) => value + 1);
  };
  const paused = endpoints.data?.items.filter((endpoint) => endpoint.status === "paused").length ?? 0;
  return (
    <>
      <PageHeader
        title="Outbox and sync"
        description="What is still waiting: provider events not yet applied, usage not yet sent to the provider, and Billhook's own webhooks to your app."
        actions={
          <button type="button" className="button button-secondary" onClick={refresh}>
            Refresh
          </button>
        }
      />
      <div className="stats">
        <Loaded resource={overview} label="backlog">
          {(data) => (
            <>
              <Stat
                label="Inbox backlog"
                value={data.webhooks.backlog}
                tone={data.webhooks.backlog > 0 ? "warn" : "good"}
              />
              <Stat
                label="Failed inbound"
                value={data.webhooks.failed}
                tone={data.webhooks.failed > 0 ? "bad" : "good"}
              />
            </>
          )}
        </Loaded>
        {sync.data ? (
          <>
            <Stat
              label="Usage to send"
              value={sync.data.backlog.toLocaleString("en-US")}
              tone={sync.data.backlog > 0 ? "warn" : "good"}
              hint={
                !sync.data.enabled
                  ? "sync is off"
                  : sync.data.backlog > 0
                    ? `oldest ${formatLag(sync.data.lagSeconds)} ago`
                    : "all sent"
              }
            />
            <Stat
              label="Usage dead letters"
              value={sync.data.dead}
              tone={sync.data.dead > 0 ? "bad" : "good"}
            />
          </>
        ) : null}
        {endpoints.data ? (
          <Stat
            label="Paused endpoints"
            value={paused}
            tone={paused > 0 ? "bad" : "good"}
            hint={`of ${endpoints.data.items.length} registered`}
          />
        ) : null}
      </div>
      <Section title="Inbound webhooks waiting">
        <p className="muted small">
          Oldest waiting: <Time iso={overview.data?.webhooks.oldestPendingAt ?? null} />
        </p>
        <Loaded resource={waiting} label="waiting deliveries">
          {(data) =>
            data.items.length === 0 && (failed.data?.items.length ?? 0) === 0 ? (
              <Empty title="Nothing waiting">
                Every received provider event has been applied. New ones are processed as they arrive.
              </Empty>
            ) : (
              <BacklogTable items={[...(failed.data?.items ?? []), ...data.items]} />
            )
          }
        </Loaded>
      </Section>
      <UsageSyncSection sync={sync} />
      <OutboundSection endpoints={endpoints} generation={generation} />
    </>
  );
}

function BacklogTable({ items }: { items: WebhookDelivery[] }) {
  return (
    <table>
      <TableHead
        columns={["Event", "Status", { label: "Attempts", numeric: true }, "Next attempt", "Last error"]}
      />
      <tbody>
        {items.map((delivery) => (
          <tr key={delivery.id}>
            <td>
              <Link to={`/webhooks?selected=${delivery.id}`}>{delivery.eventType}</Link>
            </td>
            <td>
              <StatusBadge status={delivery.status} />
            </td>
            <td className="numeric">{delivery.attempts}</td>
            <td>
              <Time iso={delivery.nextAttemptAt} />
            </td>
            <td className="truncate">{delivery.lastError ?? "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
