import { z } from "zod";
import type { TransferObject, TransferReversalObject } from "./connect-records.js";
import { formInt, mergeMetadata, metadataParam, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import { listParams, paginate } from "./stripe-lists.js";
import type { Metadata } from "./stripe-records.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

const reversalSchema = z.object({
  amount: formInt.min(1).optional(),
  description: z.string().optional(),
  metadata: metadataParam,
  refund_application_fee: z.enum(["true", "false"]).optional(),
});

/**
 * Takes (part of) a transfer back from the connected account: how a platform recovers a refund or a
 * lost dispute on a destination charge. The amount defaults to what is left of the transfer; more
 * than that is refused.
 */
export function reverseTransfer(
  runtime: StripeEmulatorRuntime,
  transfer: TransferObject,
  input: { amount?: number; metadata?: Metadata; sourceRefund?: string | null },
): TransferReversalObject {
  const left = transfer.amount - transfer.amount_reversed;
  const amount = input.amount ?? left;
  if (amount > left)
    throw invalidRequest(
      `You cannot reverse more than the transfer's remaining ${left} (requested ${amount}).`,
      "amount",
    );
  if (amount <= 0) throw invalidRequest(`Transfer ${transfer.id} is already fully reversed.`, "amount");
  const reversal: TransferReversalObject = {
    id: runtime.newId("trr_", 24),
    object: "transfer_reversal",
    amount,
    balance_transaction: null,
    created: runtime.nowSeconds(),
    currency: transfer.currency,
    destination_payment_refund: null,
    metadata: input.metadata ?? {},
    source_refund: input.sourceRefund ?? null,
    transfer: transfer.id,
  };
  transfer.reversals.data.push(reversal);
  transfer.amount_reversed += amount;
  transfer.reversed = transfer.amount_reversed >= transfer.amount;
  runtime.emit("transfer.reversed", transfer);
  return reversal;
}

export function registerTransferReversalRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const transferOf = (id: string) => {
    const transfer = runtime.store.transfers.get(id);
    if (!transfer) throw resourceMissing("transfer", id, "id");
    return transfer;
  };
  app.post("/v1/transfers/:id/reversals", async (context) => {
    const transfer = transferOf(context.req.param("id"));
    const body = await readForm(context, runtime, reversalSchema);
    return context.json(
      reverseTransfer(runtime, transfer, { amount: body.amount, metadata: mergeMetadata({}, body.metadata) }),
    );
  });
  app.get("/v1/transfers/:id/reversals", (context) => {
    const transfer = transferOf(context.req.param("id"));
    const query = readQuery(context, z.object(listParams));
    return context.json(paginate(transfer.reversals.data, `/v1/transfers/${transfer.id}/reversals`, query));
  });
}
