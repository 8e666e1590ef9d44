import { z } from "@hono/zod-openapi";
import { ledgerLimits } from "../modules/ledger/index.js";

/** The zod contract of the HTTP API: validation, the OpenAPI document and (later) the client types. */

/** A customer id as the API's billing, checkout and realtime routes take it: the app's own user id. */
export const customerIdSchema = z.string().min(1).max(200).openapi({ example: "user_123" });

const safeInteger = z.number().int().min(Number.MIN_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string().openapi({ example: "VALIDATION_FAILED" }),
    instance: z.string().optional(),
  })
  .catchall(z.unknown())
  .openapi("Problem");

export const accountKeySchema = z
  .object({
    kind: z.string().regex(ledgerLimits.accountKindPattern).openapi({ example: "customer_credits" }),
    ownerId: z.string().max(ledgerLimits.ownerIdLengthMax).default("").openapi({ example: "user_123" }),
    currency: z.string().regex(ledgerLimits.currencyPattern).openapi({ example: "USD" }),
  })
  .openapi("AccountKey");

export const accountBalanceSchema = z
  .object({
    id: z.string().openapi({ example: "acct_4f9Kq2" }),
    kind: z.string(),
    ownerId: z.string(),
    currency: z.string(),
    balanceMinor: safeInteger,
    entryCount: z.number().int(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime().nullable(),
  })
  .openapi("AccountBalance");

const metadataSchema = z
  .record(
    z.string().max(100),
    z.union([z.string().max(ledgerLimits.metadataValueLengthMax), z.number(), z.boolean(), z.null()]),
  )
  .refine((value) => Object.keys(value).length <= ledgerLimits.metadataKeysMax, {
    message: `at most ${ledgerLimits.metadataKeysMax} keys`,
  });

export const postTransactionSchema = z
  .object({
    id: z
      .string()
      .min(1)
      .max(ledgerLimits.transactionIdLengthMax)
      .openapi({ description: "Your idempotency key for this posting.", example: "order_8812_paid" }),
    description: z.string().max(ledgerLimits.descriptionLengthMax).optional(),
    metadata: metadataSchema.optional(),
    entries: z
      .array(
        z.object({
          account: accountKeySchema,
          amountMinor: safeInteger.refine((value) => value !== 0, { message: "must not be zero" }),
          balanceFloorMinor: safeInteger.optional(),
        }),
      )
      .min(2)
      .max(ledgerLimits.entriesPerTransactionMax),
  })
  .strict()
  .openapi("PostTransaction");

export const transactionSchema = z
  .object({
    id: z.string(),
    description: z.string(),
    metadata: z.record(z.string(), z.unknown()),
    postedAt: z.iso.datetime(),
    entries: z.array(
      z.object({
        sequence: z.number().int(),
        accountId: z.string(),
        account: accountKeySchema,
        amountMinor: safeInteger,
      }),
    ),
  })
  .openapi("LedgerTransaction");

export const verificationSchema = z
  .object({
    ok: z.boolean(),
    accountsChecked: z.number().int(),
    transactionsChecked: z.number().int(),
    differences: z.array(
      z.object({
        accountId: z.string(),
        projectedMinor: safeInteger,
        recomputedMinor: safeInteger,
        projectedEntryCount: z.number().int(),
        recomputedEntryCount: z.number().int(),
      }),
    ),
    unbalancedTransactions: z.array(
      z.object({ transactionId: z.string(), currency: z.string(), sumMinor: safeInteger }),
    ),
  })
  .openapi("LedgerVerification");

export const apiKeySchema = z
  .object({
    id: z.string(),
    prefix: z.string().openapi({ example: "bh_sk_3fA9xQ2m" }),
    scope: z.enum(["admin", "server"]),
    name: z.string(),
    createdAt: z.iso.datetime(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .openapi("ApiKey");

/** Standard error responses every authenticated route may give. */
export const problemResponses = {
  401: {
    description: "No valid API key.",
    content: { "application/problem+json": { schema: problemSchema } },
  },
  403: {
    description: "The key's scope does not allow this.",
    content: { "application/problem+json": { schema: problemSchema } },
  },
  422: { description: "Invalid input.", content: { "application/problem+json": { schema: problemSchema } } },
} as const;

export function problemResponse(description: string) {
  return { description, content: { "application/problem+json": { schema: problemSchema } } };
}

export function jsonResponse<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}
