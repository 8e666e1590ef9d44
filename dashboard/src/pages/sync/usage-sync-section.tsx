import { api } from "../../api.js";
import { ActionButton, Empty, Loaded, type Resource, Section, TableHead, Time } from "../../components.js";
import { Link } from "../../router.js";
import type { UsageSyncStatus } from "../../types.js";
import { formatLag } from "./format-lag.js";

/** The usage events waiting for the provider, and the dead letters with a button to retry them. */
export function UsageSyncSection({ sync }: { sync: Resource<UsageSyncStatus> }) {
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
        <TableHead
          columns={[
            "Customer",
            "Idempotency key",
            { label: "Attempts", numeric: true },
            "Dead since",
            "Last error",
          ]}
        />
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
