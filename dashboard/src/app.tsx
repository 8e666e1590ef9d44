import { type FormEvent, useEffect, useRef, useState } from "react";
import { currentSession, onSignedOut, type SessionInfo, signIn, signOut } from "./api.js";
import { ErrorNotice, Spinner } from "./components.js";
import { CatalogPage } from "./pages/catalog.js";
import { CustomerPage } from "./pages/customer.js";
import { CustomersPage } from "./pages/customers.js";
import { OverviewPage } from "./pages/overview.js";
import { PaymentsPage } from "./pages/payments.js";
import { SettingsPage } from "./pages/settings.js";
import { SyncPage } from "./pages/sync.js";
import { WebhooksPage } from "./pages/webhooks.js";
import { Link, type Location, useLocation } from "./router.js";

const navigation = [
  { to: "/", label: "Overview" },
  { to: "/customers", label: "Customers" },
  { to: "/payments", label: "Payments" },
  { to: "/webhooks", label: "Webhook inbox" },
  { to: "/sync", label: "Outbox and sync" },
  { to: "/catalog", label: "Catalog" },
  { to: "/settings", label: "Settings" },
] as const;

export function App() {
  const [session, setSession] = useState<SessionInfo | null | undefined>(undefined);
  useEffect(() => {
    currentSession().then(setSession, () => setSession(null));
    return onSignedOut(() => setSession(null));
  }, []);
  if (session === undefined) {
    return (
      <main className="center">
        <Spinner label="Loading…" />
      </main>
    );
  }
  if (session === null) return <SignIn onSignedIn={setSession} />;
  return <Shell session={session} onSignOut={() => signOut().then(() => setSession(null))} />;
}

function SignIn(props: { onSignedIn(session: SessionInfo): void }) {
  const [key, setKey] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onSignedIn(await signIn(key.trim()));
    } catch (caught) {
      setError(caught instanceof Error ? caught : new Error(String(caught)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="center">
      <form className="card sign-in" onSubmit={onSubmit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">
          <span className="logo" aria-hidden="true">
            b
          </span>{" "}
          Billhook admin
        </h1>
        <p className="muted">
          Sign in with an admin API key. <code>billhook dev</code> prints one; otherwise create one with{" "}
          <code>billhook keys create --scope admin</code>.
        </p>
        <label htmlFor="api-key">Admin API key</label>
        <input
          id="api-key"
          name="apiKey"
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          placeholder="bh_sk_…"
          value={key}
          onChange={(event) => setKey(event.target.value)}
          aria-describedby={error ? "sign-in-error" : undefined}
        />
        <div id="sign-in-error">
          <ErrorNotice error={error} />
        </div>
        <button
          type="submit"
          className="button button-primary"
          disabled={busy || key.trim() === ""}
          aria-busy={busy}
        >
          {busy ? "Signing in…" : "Sign in"}
        </button>
        <p className="muted small">
          The key is exchanged for a session cookie; it is not stored in this browser.
        </p>
      </form>
    </main>
  );
}

function Shell(props: { session: SessionInfo; onSignOut(): void }) {
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  // Move focus to the new page's heading, so keyboard and screen-reader users land on what changed.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every page change on purpose.
  useEffect(() => {
    const heading = mainRef.current?.querySelector<HTMLElement>("#page-title");
    if (heading && document.activeElement !== document.body) heading.focus();
  }, [location.path]);
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Dashboard">
        <p className="brand">
          <span className="logo" aria-hidden="true">
            b
          </span>
          Billhook
        </p>
        <ul>
          {navigation.map((item) => {
            const current = item.to === "/" ? location.path === "/" : location.path.startsWith(item.to);
            return (
              <li key={item.to}>
                <Link to={item.to} current={current} className="nav-link">
                  {item.label}
                </Link>
              </li>
            );
          })}
        </ul>
        <div className="sidebar-footer">
          <p className="small">
            Signed in with <code>{props.session.apiKey.prefix}…</code>
            <br />
            <span className="muted">{props.session.apiKey.name}</span>
          </p>
          <button type="button" className="button button-secondary" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </nav>
      <main id="main" ref={mainRef}>
        <Page location={location} />
      </main>
    </div>
  );
}

function Page({ location }: { location: Location }) {
  const customer = /^\/customers\/(.+)$/.exec(location.path);
  if (customer) return <CustomerPage customerId={decodeURIComponent(customer[1]!)} />;
  switch (location.path) {
    case "/":
      return <OverviewPage />;
    case "/customers":
      return <CustomersPage />;
    case "/payments":
      return <PaymentsPage />;
    case "/webhooks":
      return <WebhooksPage />;
    case "/sync":
      return <SyncPage />;
    case "/catalog":
      return <CatalogPage />;
    case "/settings":
      return <SettingsPage />;
    default:
      return (
        <>
          <h1 id="page-title" tabIndex={-1}>
            Page not found
          </h1>
          <p>
            There is no dashboard page at <code>{location.path}</code>.{" "}
            <Link to="/">Go to the overview.</Link>
          </p>
        </>
      );
  }
}
