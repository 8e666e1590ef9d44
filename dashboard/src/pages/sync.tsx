import { useEffect, useRef, useState } from "react";
import { api } from "../api.js";
import {
  ActionButton,
  Empty,
  Loaded,
  PageHeader,
  type Resource,
  Section,
  Stat,
  StatusBadge,
  Time,
  useResource,
} from "../components.js";
import { Link } from "../router.js";
import type {
  OutboundDelivery,
  Overview,
  UsageSyncStatus,
  WebhookDelivery,
  WebhookEndpoint,
} from "../types.js";

/** How many of an endpoint's deliveries the page lists, newest event first. */
const recentDeliveries = 20;

/** A lag in seconds as a person reads it: "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatLag(seconds: number): string {
  const whole = Math.round(seconds);
  if (whole < 60) return `${whole} s`;
  const minutes = Math.floor(whole / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 === 0 ? `${hours} h` : `${hours} h ${minutes % 60} min`;
  const days = Math.floor(hours / 24);
  return hours % 24 === 0 ? `${days} d` : `${days} d ${hours % 24} h`;
}

/** The overview's compact view: usage waiting for the provider, dead letters and paused endpoints. */
export function OutboxStatus() {
  const sync = useResource<UsageSyncStatus>("/v1/usage/sync");
  const endpoints = useResource<{ items: WebhookEndpoint[] }>("/v1/webhook-endpoints");
  const paused = endpoints.data?.items.filter((endpoint) => endpoint.status === "paused") ?? [];
  return (
    <>
      <Loaded resource={sync} label="the usage sync">
        {(data) => (
          <dl className="facts">
            <div>
              <dt>Usage sync backlog</dt>
              <dd className="numeric">
                {data.enabled ? data.backlog.toLocaleString("en-US") : "off"}
                {data.backlog > 0 ? (
                  <span className="muted small"> ({formatLag(data.lagSeconds)} behind)</span>
                ) : null}
              </dd>
            </div>
            <div>
              <dt>Usage dead letters</dt>
              <dd className={`numeric${data.dead > 0 ? " text-bad" : ""}`}>
                {data.dead.toLocaleString("en-US")}
              </dd>
            </div>
          </dl>
        )}
      </Loaded>
      <Loaded resource={endpoints} label="webhook endpoints">
        {(data) => (
          <dl className="facts">
            <div>
              <dt>Outbound endpoints</dt>
              <dd className="numeric">{data.items.length}</dd>
            </div>
            <div>
              <dt>Paused endpoints</dt>
              <dd className={`numeric${paused.length > 0 ? " text-bad" : ""}`}>{paused.length}</dd>
            </div>
          </dl>
        )}
      </Loaded>
      {paused.length > 0 ? (
        <p className="notice notice-warn">
          {paused.length === 1 ? "An endpoint is paused" : `${paused.length} endpoints are paused`}:{" "}
          <Link to="/sync">resume {paused.length === 1 ? "it" : "them"} on the outbox page</Link>.
        </p>
      ) : null}
      {sync.data && sync.data.dead > 0 ? (
        <p className="notice notice-error">
          {sync.data.dead === 1
            ? "A usage event could not be sent to the provider"
            : `${sync.data.dead.toLocaleString("en-US")} usage events could not be sent to the provider`}
          : <Link to="/sync">see why and retry on the outbox page</Link>.
        </p>
      ) : null}
    </>
  );
}

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

function UsageSyncSection({ sync }: { sync: Resource<UsageSyncStatus> }) {
  const retry = async () => {
    const { requeued } = await api<{ requeued: number }>("/v1/usage/sync/retry", { method: "POST" });
    sync.reload();
    return requeued === 0
      ? "Nothing to retry: there are no dead letters."
      : `Requeued ${requeued} dead letter(s); the worker sends them on its next run.`;
  };
  return (
    <Section
      title="Usage sync to provider"
      actions={
        // Disabled rather than hidden when there is nothing to retry, so its result stays on screen.
        <ActionButton
          label="Retry dead letters"
          busyLabel="Requeuing…"
          run={retry}
          disabled={!sync.data || sync.data.dead === 0}
        />
      }
    >
      <Loaded resource={sync} label="the usage sync">
        {(data) => (
          <>
            {data.enabled ? null : (
              <p className="notice notice-warn">
                Usage sync is off: this server's provider does not take usage events, so none are queued.
              </p>
            )}
            <dl className="facts">
              <div>
                <dt>Provider</dt>
                <dd>{data.provider ?? "—"}</dd>
              </div>
              <div>
                <dt>Backlog</dt>
                <dd className="numeric">{data.backlog.toLocaleString("en-US")} event(s)</dd>
              </div>
              <div>
                <dt>Being sent</dt>
                <dd className="numeric">{data.leased.toLocaleString("en-US")}</dd>
              </div>
              <div>
                <dt>Oldest lag</dt>
                <dd>
                  {data.oldestPendingAt ? (
                    <>
                      {formatLag(data.lagSeconds)}{" "}
                      <span className="muted small">
                        (since <Time iso={data.oldestPendingAt} />)
                      </span>
                    </>
                  ) : (
                    "none waiting"
                  )}
                </dd>
              </div>
              <div>
                <dt>Dead letters</dt>
                <dd className={`numeric${data.dead > 0 ? " text-bad" : ""}`}>
                  {data.dead.toLocaleString("en-US")}
                </dd>
              </div>
            </dl>
            {data.deadLetters.length === 0 ? (
              <Empty title="No dead letters">
                Events that fail every attempt to reach the provider stop here, with the provider's error,
                until you retry them.
              </Empty>
            ) : (
              <DeadLetterTable sync={data} />
            )}
          </>
        )}
      </Loaded>
    </Section>
  );
}

function DeadLetterTable({ sync }: { sync: UsageSyncStatus }) {
  return (
    <>
      <h3>
        Dead letters
        {sync.dead > sync.deadLetters.length
          ? ` (the oldest ${sync.deadLetters.length} of ${sync.dead.toLocaleString("en-US")})`
          : ""}
      </h3>
      <table aria-label="Usage dead letters">
        <thead>
          <tr>
            <th scope="col">Customer</th>
            <th scope="col">Idempotency key</th>
            <th scope="col" className="numeric">
              Attempts
            </th>
            <th scope="col">Dead since</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {sync.deadLetters.map((letter) => (
            <tr key={letter.id}>
              <td>
                <Link to={`/customers/${encodeURIComponent(letter.customerId)}`}>{letter.customerId}</Link>
              </td>
              <td>
                <code title={`Sent to the provider as ${letter.eventId}`}>{letter.idempotencyKey}</code>
              </td>
              <td className="numeric">{letter.attempts}</td>
              <td>
                <Time iso={letter.deadAt} />
              </td>
              <td className="text-bad">
                <div className="error-text" title={letter.lastError ?? undefined}>
                  {letter.lastError ?? "—"}
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function OutboundSection(props: { endpoints: Resource<{ items: WebhookEndpoint[] }>; generation: number }) {
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

function OutboundDeliveryTable(props: {
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
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col" className="numeric">
            Attempts
          </th>
          <th scope="col">Last attempt</th>
          <th scope="col">Last error</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
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

function BacklogTable({ items }: { items: WebhookDelivery[] }) {
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col" className="numeric">
            Attempts
          </th>
          <th scope="col">Next attempt</th>
          <th scope="col">Last error</th>
        </tr>
      </thead>
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
