import { StrictMode, useState } from "react";
import { createRoot } from "react-dom/client";
import { BillhookProvider, BuyCredits, CreditBalance, UsageMeter } from "../react/index.js";

/** Set by the demo app's HTML: where Billhook runs and which demo customer this browser is. */
declare global {
  interface Window {
    billhookDemo: { baseUrl: string; customerId: string };
  }
}

const page = `
body { margin: 0; background: #f3f4f6; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #111827; }
header { background: #1e1b4b; color: #fff; padding: 14px 24px; display: flex; justify-content: space-between; align-items: center; gap: 16px; flex-wrap: wrap; }
header h1 { font-size: 1.125rem; margin: 0; }
header .bh-credit-balance { font-weight: 600; }
main { max-width: 880px; margin: 24px auto; padding: 0 16px; display: grid; gap: 16px; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); }
.demo-note { grid-column: 1 / -1; background: #eef2ff; border: 1px solid #c7d2fe; border-radius: 10px; padding: 12px 16px; margin: 0; }
.demo-actions { display: flex; gap: 8px; flex-wrap: wrap; margin-top: 12px; }
.demo-result { min-height: 1.5em; margin: 8px 0 0; }
code { background: #e0e7ff; padding: 1px 5px; border-radius: 4px; }
`;

async function post(path: string) {
  const response = await fetch(path, { method: "POST" });
  return { ok: response.ok, body: (await response.json()) as Record<string, unknown> };
}

function Playground() {
  const [result, setResult] = useState("");
  const generate = async () => {
    const answer = await post("/api/generate");
    setResult(
      answer.ok
        ? `Generated an image (balance now ${String(answer.body.balance)}).`
        : `Refused: ${String(answer.body.detail ?? answer.body.code)}`,
    );
  };
  const call = async () => {
    const answer = await post("/api/call");
    setResult(answer.ok ? "Recorded one API call." : `Refused: ${String(answer.body.detail)}`);
  };
  return (
    <section className="bh-card" aria-labelledby="try-heading">
      <h2 id="try-heading">Try it</h2>
      <p className="bh-muted">
        These buttons call this app's own server, which spends a credit or records usage in Billhook with its
        secret key. The widgets update by themselves.
      </p>
      <div className="demo-actions">
        <button type="button" className="bh-button" onClick={generate}>
          Generate an image (1 credit)
        </button>
        <button type="button" className="bh-button bh-secondary" onClick={call}>
          Make an API call
        </button>
      </div>
      <p className="demo-result" role="status" aria-live="polite">
        {result}
      </p>
    </section>
  );
}

function App() {
  const { baseUrl, customerId } = window.billhookDemo;
  const getToken = async () => {
    const response = await fetch("/api/billhook-token", { method: "POST" });
    if (!response.ok) throw new Error(`token: ${response.status}`);
    return (await response.json()) as { token: string; expiresAt: string };
  };
  return (
    <BillhookProvider baseUrl={baseUrl} customerId={customerId} getToken={getToken}>
      <style>{page}</style>
      <header>
        <h1>Acme Images — a demo app</h1>
        <span>
          Balance: <CreditBalance type="images" />
        </span>
      </header>
      <main>
        <p className="demo-note">
          You are demo customer <code>{customerId}</code>. Buy a pack and pay with{" "}
          <code>4242 4242 4242 4242</code> on the emulator's checkout (<code>4000 0000 0000 0002</code> is
          declined): the balance updates here without a reload.
        </p>
        <BuyCredits
          type="images"
          title="Image credits"
          successUrl={`${window.location.origin}/checkout-complete`}
        />
        <UsageMeter title="This month's usage" />
        <Playground />
      </main>
    </BillhookProvider>
  );
}

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
