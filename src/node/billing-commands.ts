import { parseArgs } from "node:util";
import type { Billhook } from "../engine.js";
import type { CliOutput } from "./cli-io.js";

/** `billhook catalog push|diff`: make the provider match the config, or show what that would do. */
export async function catalogCommand(billhook: Billhook, args: string[], output: CliOutput): Promise<number> {
  const [subcommand] = args;
  if (subcommand !== "push" && subcommand !== "diff") {
    output.error("Usage: billhook catalog push | catalog diff");
    return 1;
  }
  const actions =
    subcommand === "push" ? await billhook.catalogSync.push() : await billhook.catalogSync.diff();
  for (const action of actions) {
    const detail = action.kind === "update" ? ` (${action.differences.join("; ")})` : "";
    const id = "providerProductId" in action ? ` ${action.providerProductId}` : "";
    output.out(`${action.kind.padEnd(9)} ${action.key}${id}${detail}`);
  }
  const drift = actions.filter((action) => action.kind !== "unchanged").length;
  if (subcommand === "diff")
    output.out(drift === 0 ? "No drift." : `${drift} change(s) pending; run billhook catalog push.`);
  return 0;
}

/** `billhook webhooks list|replay <id>|replay --failed`. */
export async function webhooksCommand(
  billhook: Billhook,
  args: string[],
  output: CliOutput,
): Promise<number> {
  const [subcommand, ...rest] = args;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { failed: { type: "boolean" }, status: { type: "string" } },
  });
  if (subcommand === "list") {
    const status = values.status as "received" | "processed" | "ignored" | "failed" | undefined;
    for (const delivery of await billhook.webhooks.list({ limit: 100, ...(status ? { status } : {}) })) {
      const error = delivery.lastError ? `  ${delivery.lastError}` : "";
      output.out(
        `${delivery.id}  ${delivery.status.padEnd(9)}  ${delivery.eventType}  attempts=${delivery.attempts}${error}`,
      );
    }
    return 0;
  }
  if (subcommand === "replay" && (values.failed || positionals[0])) {
    const count = await billhook.webhooks.replay(values.failed ? { failed: true } : { id: positionals[0]! });
    output.out(`Replayed ${count} deliver${count === 1 ? "y" : "ies"}.`);
    return 0;
  }
  output.error(
    "Usage: billhook webhooks list [--status S] | webhooks replay <id> | webhooks replay --failed",
  );
  return 1;
}

/** `billhook reconcile [--full]`: apply whatever the provider has that the inbox missed. */
export async function reconcileCommand(
  billhook: Billhook,
  args: string[],
  output: CliOutput,
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { full: { type: "boolean" }, "webhook-url": { type: "string" } },
  });
  const report = await billhook.reconciler.run({
    ...(values.full ? { full: true } : {}),
    ...(values["webhook-url"] ? { webhookUrl: values["webhook-url"] } : {}),
  });
  output.out(
    `Applied ${report.subscriptionsApplied} subscription(s) and ${report.ordersApplied} order(s); ${report.unchanged} unchanged.`,
  );
  if (report.webhookEndpointProblem) {
    output.error(
      `WARNING: ${report.webhookEndpointProblem}. Re-enable it at the provider, then run billhook reconcile.`,
    );
    return 2;
  }
  return 0;
}
