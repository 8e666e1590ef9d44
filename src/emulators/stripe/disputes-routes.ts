import { z } from "zod";
import {
  acceptDispute,
  findDispute,
  openDispute,
  resolveDispute,
  updateDispute,
} from "./dispute-operations.js";
import { DISPUTE_REASONS, EVIDENCE_FIELDS } from "./dispute-records.js";
import { expandParam, formBool, formInt, metadataParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { resourceMissing } from "./stripe-errors.js";
import { expandObject, listParams, paginate, stripDataPrefix } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const evidenceSchema = z
  .object(Object.fromEntries(EVIDENCE_FIELDS.map((field) => [field, z.string().optional()])))
  .partial();

const updateSchema = z.object({
  evidence: evidenceSchema.optional(),
  metadata: metadataParam,
  submit: formBool.optional(),
  expand: expandParam,
});

const listSchema = z.object({
  ...listParams,
  charge: z.string().optional(),
  payment_intent: z.string().optional(),
});

/** JSON numbers and form strings both arrive here, so amounts are coerced. */
const openSchema = z.object({
  amount: formInt.min(1).optional(),
  reason: z.enum(DISPUTE_REASONS).optional(),
});
const resolveSchema = z.object({ outcome: z.enum(["won", "lost"]) });

/** `/v1/disputes`: retrieve, list, update (evidence, metadata, submit) and close (accept). */
export function registerDisputeRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.get("/v1/disputes/:id", (context) => {
    const dispute = findDispute(runtime, context.req.param("id"));
    const query = readQuery(context, z.object({ expand: expandParam }));
    return context.json(expandObject(store, dispute, query.expand));
  });

  app.get("/v1/disputes", (context) => {
    const query = readQuery(context, listSchema);
    const rows = store.disputes.filter(
      (row) =>
        (query.charge === undefined || row.charge === query.charge) &&
        (query.payment_intent === undefined || row.payment_intent === query.payment_intent),
    );
    const list = paginate(rows, "/v1/disputes", query);
    return context.json({
      ...list,
      data: list.data.map((row) => expandObject(store, row, stripDataPrefix(query.expand))),
    });
  });

  app.post("/v1/disputes/:id", async (context) => {
    const dispute = findDispute(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, updateSchema);
    updateDispute(runtime, dispute, {
      metadata: body.metadata,
      evidence: body.evidence as Record<string, string> | undefined,
      submit: body.submit ?? true,
    });
    return context.json(expandObject(store, dispute, body.expand));
  });

  app.post("/v1/disputes/:id/close", async (context) => {
    const dispute = findDispute(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, z.object({ expand: expandParam }));
    acceptDispute(runtime, dispute);
    return context.json(expandObject(store, dispute, body.expand));
  });
}

/**
 * Test-only knobs (no key): open a dispute on any paid charge, and decide a dispute as the bank would.
 * Bodies may be JSON or form; the events they cause are automatic (null `request`).
 */
export function registerDisputeControlRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  app.post("/_emulator/charges/:id/dispute", async (context) => {
    const charge = runtime.store.charges.get(context.req.param("id"));
    if (!charge) throw resourceMissing("charge", context.req.param("id"));
    const body = await readForm(context, runtime, openSchema);
    const dispute = runtime.automatically(() => openDispute(runtime, charge, body));
    return context.json(dispute);
  });

  app.post("/_emulator/disputes/:id/resolve", async (context) => {
    const dispute = findDispute(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, resolveSchema);
    runtime.automatically(() => resolveDispute(runtime, dispute, body.outcome));
    return context.json(dispute);
  });
}
