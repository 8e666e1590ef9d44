import { useState } from "react";
import { api } from "../api.js";
import {
  ActionButton,
  Empty,
  ErrorNotice,
  Loaded,
  PageHeader,
  Section,
  StatusBadge,
  TableHead,
  useResource,
} from "../components.js";
import type { CatalogAction } from "../types.js";

interface CatalogEntry {
  key: string;
  kind: string;
  name: string;
  price?: { amountMinor: number; currency: string } | null;
  features?: string[];
}

export function CatalogPage() {
  const diff = useResource<{ actions: CatalogAction[] }>("/v1/catalog/diff");
  const catalog = useResource<{ features: unknown[]; products: CatalogEntry[] }>("/v1/catalog");
  const [pushed, setPushed] = useState<CatalogAction[] | null>(null);
  const drift = diff.data?.actions.filter((action) => action.kind !== "unchanged") ?? [];
  const push = async () => {
    const result = await api<{ actions: CatalogAction[] }>("/v1/catalog/push", { method: "POST" });
    setPushed(result.actions);
    diff.reload();
    const changed = result.actions.filter((action) => action.kind !== "unchanged").length;
    return changed === 0
      ? "Nothing to change: the provider already matches."
      : `Pushed: ${changed} product(s) changed.`;
  };
  return (
    <>
      <PageHeader
        title="Catalog"
        description="Your billhook.config.ts compared with the products at the provider. Pushing creates, updates or archives them to match; it is safe to repeat."
        actions={<ActionButton label="Push to provider" busyLabel="Pushing…" run={push} />}
      />
      <Section title="Drift between config and provider">
        {diff.error?.code === "PROVIDER_NOT_CONFIGURED" ? (
          <Empty title="No provider configured">
            Set POLAR_ACCESS_TOKEN or STRIPE_SECRET_KEY (or run billhook dev) to compare the catalog.
          </Empty>
        ) : (
          <Loaded resource={diff} label="the comparison">
            {(data) =>
              drift.length === 0 ? (
                <p className="notice notice-good" role="status">
                  In sync: all {data.actions.length} products match the provider.
                </p>
              ) : (
                <>
                  <p className="notice notice-warn">
                    {drift.length} of {data.actions.length} products differ from the provider. Checkouts for
                    products not yet created there are refused until you push.
                  </p>
                  <ActionTable actions={data.actions} />
                </>
              )
            }
          </Loaded>
        )}
      </Section>
      {pushed ? (
        <Section title="Last push">
          <ActionTable actions={pushed} />
        </Section>
      ) : null}
      <Section title="Products in the config">
        <ErrorNotice error={catalog.error} />
        {catalog.data && catalog.data.products.length === 0 ? (
          <Empty title="The catalog is empty">
            Declare plans, products and credit packs in billhook.config.ts.
          </Empty>
        ) : null}
        {catalog.data && catalog.data.products.length > 0 ? (
          <table>
            <TableHead columns={["Key", "Kind", "Name", "Features"]} />
            <tbody>
              {catalog.data.products.map((entry) => (
                <tr key={entry.key}>
                  <td>
                    <code>{entry.key}</code>
                  </td>
                  <td>{entry.kind}</td>
                  <td>{entry.name}</td>
                  <td>{entry.features?.join(", ") || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Section>
    </>
  );
}

function ActionTable({ actions }: { actions: CatalogAction[] }) {
  return (
    <table>
      <TableHead columns={["Product", "Action", "Provider id", "Differences"]} />
      <tbody>
        {actions.map((action) => (
          <tr key={action.key}>
            <td>
              <code>{action.key}</code>
            </td>
            <td>
              <StatusBadge status={action.kind} />
            </td>
            <td className="muted">{action.providerProductId ?? "—"}</td>
            <td>{action.differences?.join("; ") || "—"}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
