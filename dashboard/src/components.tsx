import { type ReactNode, useCallback, useEffect, useState } from "react";
import { ApiError, api } from "./api.js";

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload(): void;
}

/** Loads an API path and reloads when it changes; the previous data stays visible while reloading. */
export function useResource<T>(path: string | null): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: `generation` forces a reload on purpose.
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    api<T>(path)
      .then((value) => {
        if (!current) return;
        setData(value);
        setError(null);
      })
      .catch((caught: unknown) => {
        if (!current) return;
        setError(
          caught instanceof ApiError
            ? caught
            : new ApiError({ status: 0, code: "NETWORK", detail: String(caught) }),
        );
      })
      .finally(() => {
        if (current) setLoading(false);
      });
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((value) => value + 1), []);
  return { data, error, loading, reload };
}

/** Whole minor units as money, e.g. 4900 USD → $49.00. */
export function formatMoney(amountMinor: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(amountMinor / 100);
  } catch {
    return `${amountMinor} ${currency}`;
  }
}

export function Money(props: { minor: number; currency: string }) {
  return <span className="numeric">{formatMoney(props.minor, props.currency)}</span>;
}

export function formatTime(iso: string | null): string {
  if (!iso) return "—";
  const date = new Date(iso);
  return date.toLocaleString("en-GB", {
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZone: "UTC",
  });
}

export function Time(props: { iso: string | null }) {
  if (!props.iso) return <span className="muted">—</span>;
  return <time dateTime={props.iso}>{formatTime(props.iso)}</time>;
}

const toneByStatus: Record<string, string> = {
  processed: "good",
  paid: "good",
  active: "good",
  succeeded: "good",
  ok: "good",
  unchanged: "good",
  trialing: "info",
  received: "info",
  open: "info",
  create: "info",
  update: "warn",
  warning: "warn",
  past_due: "warn",
  partially_refunded: "warn",
  held: "warn",
  ignored: "neutral",
  archive: "warn",
  failed: "bad",
  critical: "bad",
  exceeded: "bad",
  refunded: "neutral",
  canceled: "neutral",
  revoked: "bad",
  paused: "bad",
  disabled: "neutral",
  pending: "info",
  delivered: "good",
  dead: "bad",
};

export function StatusBadge(props: { status: string }) {
  const tone = toneByStatus[props.status] ?? "neutral";
  return <span className={`badge badge-${tone}`}>{props.status.replaceAll("_", " ")}</span>;
}

export function PageHeader(props: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1 tabIndex={-1} id="page-title">
          {props.title}
        </h1>
        {props.description ? <p className="muted">{props.description}</p> : null}
      </div>
      {props.actions ? <div className="page-actions">{props.actions}</div> : null}
    </header>
  );
}

export function Section(props: { title: string; children: ReactNode; actions?: ReactNode; id?: string }) {
  const headingId = `${props.id ?? props.title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-heading`;
  return (
    <section className="card" aria-labelledby={headingId}>
      <div className="card-header">
        <h2 id={headingId}>{props.title}</h2>
        {props.actions}
      </div>
      {props.children}
    </section>
  );
}

/** An empty state that says what to do next, not just that there is nothing. */
export function Empty(props: { title: string; children: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{props.title}</p>
      <p className="muted">{props.children}</p>
    </div>
  );
}

export function Spinner(props: { label: string }) {
  return (
    <span className="spinner-line" role="status">
      <span className="spinner" aria-hidden="true" />
      {props.label}
    </span>
  );
}

export function ErrorNotice(props: { error: ApiError | Error | null }) {
  if (!props.error) return null;
  const code = props.error instanceof ApiError ? props.error.code : null;
  return (
    <div className="notice notice-error" role="alert">
      {code ? <strong>{code}: </strong> : null}
      {props.error.message}
    </div>
  );
}

/** Shows a resource's loading and error states around its content. */
export function Loaded<T>(props: { resource: Resource<T>; label: string; children: (data: T) => ReactNode }) {
  const { data, error, loading } = props.resource;
  return (
    <>
      <ErrorNotice error={error} />
      {data === null && loading ? <Spinner label={`Loading ${props.label}…`} /> : null}
      {data !== null ? props.children(data) : null}
    </>
  );
}

/**
 * A button for a long action: disabled with a spinner while it runs, then a result or error message
 * announced to screen readers.
 */
export function ActionButton(props: {
  label: string;
  busyLabel: string;
  run: () => Promise<string | undefined>;
  variant?: "primary" | "secondary";
  name?: string;
  /** An accessible name that says what the button acts on, when several share a label. */
  ariaLabel?: string;
  disabled?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: "ok" | "error"; text: string } | null>(null);
  const onClick = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const result = await props.run();
      if (result) setMessage({ tone: "ok", text: result });
    } catch (caught) {
      setMessage({ tone: "error", text: caught instanceof Error ? caught.message : String(caught) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="action">
      <button
        type="button"
        className={`button button-${props.variant ?? "primary"}`}
        onClick={onClick}
        disabled={busy || props.disabled}
        aria-busy={busy}
        aria-label={busy ? undefined : props.ariaLabel}
        name={props.name}
      >
        {busy ? <span className="spinner spinner-inverse" aria-hidden="true" /> : null}
        {busy ? props.busyLabel : props.label}
      </button>
      <span
        className={`action-message ${message?.tone === "error" ? "text-bad" : "text-good"}`}
        role="status"
      >
        {message?.text ?? ""}
      </span>
    </span>
  );
}

export function Stat(props: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  tone?: "good" | "warn" | "bad";
}) {
  return (
    <div className={`stat${props.tone ? ` stat-${props.tone}` : ""}`}>
      <p className="stat-label">{props.label}</p>
      <p className="stat-value">{props.value}</p>
      {props.hint ? <p className="stat-hint">{props.hint}</p> : null}
    </div>
  );
}

/** A meter's use as a bar; the width and colour follow its health. */
export function UsageBar(props: { percent: number | null; status: string; label: string }) {
  const percent = props.percent === null ? 0 : Math.min(100, Math.max(0, props.percent));
  return (
    <div className="usage-bar">
      {/* biome-ignore lint/a11y/useSemanticElements: a styled bar; <meter> cannot be coloured by health across browsers. */}
      <div
        className={`usage-bar-track usage-${props.status}`}
        role="meter"
        aria-label={props.label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div className="usage-bar-fill" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

/** A column header: its label, right-aligned when numeric, or read only by screen readers. */
export type Column = string | { label: string; numeric?: boolean; visuallyHidden?: boolean };

/** A table's header row: every cell a `scope="col"` header. */
export function TableHead(props: { columns: Column[] }) {
  return (
    <thead>
      <tr>
        {props.columns.map((column) => {
          const { label, numeric, visuallyHidden } = typeof column === "string" ? { label: column } : column;
          return (
            <th key={label} scope="col" className={numeric ? "numeric" : undefined}>
              {visuallyHidden ? <span className="visually-hidden">{label}</span> : label}
            </th>
          );
        })}
      </tr>
    </thead>
  );
}
