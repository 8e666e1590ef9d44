import type { Billhook } from "../engine.js";
import type { CliOutput } from "./cli-io.js";

interface CheckOutcome {
  ok: boolean;
  label: string;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

/**
 * `billhook doctor`: one line per check — configuration, database, provider credentials and reach,
 * catalog drift, webhook endpoint, ledger — with a fix for every failure. Exit 1 if any failed.
 */
export async function doctorCommand(billhook: Billhook, output: CliOutput): Promise<number> {
  const environment = billhook.config.environment;
  const webhookUrl = environment.PUBLIC_ORIGIN
    ? `${environment.PUBLIC_ORIGIN.replace(/\/$/, "")}/v1/webhooks/${billhook.provider?.name ?? "polar"}`
    : null;
  const checks: Array<() => Promise<CheckOutcome>> = [
    async () => {
      await billhook.storage.ping();
      return { ok: true, label: "database", detail: `${billhook.storage.dialect} answers` };
    },
    async () => ({
      ok: billhook.provider !== null,
      label: "provider",
      detail: billhook.provider ? `${billhook.provider.name} configured` : "no provider configured",
      fix: "set POLAR_ACCESS_TOKEN (and POLAR_WEBHOOK_SECRET), or run billhook dev for the emulator",
    }),
    async () => ({
      ok: Boolean(environment.POLAR_WEBHOOK_SECRET) || !billhook.provider,
      label: "webhook secret",
      detail: environment.POLAR_WEBHOOK_SECRET
        ? "POLAR_WEBHOOK_SECRET is set"
        : "POLAR_WEBHOOK_SECRET is missing",
      fix: "copy the endpoint's secret from Polar's webhook settings into POLAR_WEBHOOK_SECRET",
    }),
    async () => {
      const actions = await billhook.catalogSync.diff();
      const drift = actions.filter((action) => action.kind !== "unchanged");
      return {
        ok: drift.length === 0,
        label: "catalog",
        detail:
          drift.length === 0
            ? `${actions.length} product(s) in sync`
            : drift.map((a) => `${a.key}: ${a.kind}`).join(", "),
        fix: "run billhook catalog push",
      };
    },
    async () => {
      if (!webhookUrl || !billhook.provider)
        return { ok: true, label: "webhook endpoint", detail: "skipped (no PUBLIC_ORIGIN)" };
      const status = await billhook.provider.webhookEndpointStatus(webhookUrl);
      return {
        ok: Boolean(status?.found && status.enabled),
        label: "webhook endpoint",
        detail: !status?.found
          ? `none points at ${webhookUrl}`
          : status.enabled
            ? "enabled"
            : "DISABLED by the provider",
        fix: `create or re-enable a webhook endpoint for ${webhookUrl}, then run billhook reconcile`,
      };
    },
    async () => {
      const report = await billhook.ledger.verify();
      return {
        ok: report.ok,
        label: "ledger",
        detail: `${report.accountsChecked} account(s), ${report.transactionsChecked} transaction(s), ${report.differences.length} difference(s)`,
        fix: "run billhook ledger verify and report the differences: balances must equal their entries",
      };
    },
  ];
  let failures = 0;
  for (const check of checks) {
    const outcome = await check().catch(
      (error: unknown): CheckOutcome => ({
        ok: false,
        label: "check",
        detail: error instanceof Error ? error.message : String(error),
        fix: "see the message; a provider error usually means a wrong token or an unreachable API URL",
      }),
    );
    if (!outcome.ok) failures++;
    const line = `${outcome.ok ? "ok  " : "FAIL"} ${outcome.label.padEnd(17)} ${outcome.detail}`;
    output.out(outcome.ok || !outcome.fix ? line : `${line}\n     fix: ${outcome.fix}`);
  }
  return failures === 0 ? 0 : 1;
}
