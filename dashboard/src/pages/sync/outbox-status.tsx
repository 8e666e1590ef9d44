import { Loaded, useResource } from "../../components.js";
import { Link } from "../../router.js";
import type { UsageSyncStatus, WebhookEndpoint } from "../../types.js";
import { formatLag } from "./format-lag.js";

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
