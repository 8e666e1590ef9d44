import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import type { AccountBalance, LedgerTransaction } from "../../modules/ledger/index.js";
import type { HttpEnv } from "../http-env.js";
import {
  accountBalanceSchema,
  jsonResponse,
  postTransactionSchema,
  problemResponse,
  problemResponses,
  transactionSchema,
  verificationSchema,
} from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const tags = ["Ledger"];

const getAccountRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/ledger/accounts/{accountId}",
    tags,
    summary: "An account and its current balance.",
    request: { params: z.object({ accountId: z.string().max(100) }) },
    responses: {
      200: jsonResponse(accountBalanceSchema, "The account."),
      404: problemResponse("No such account."),
      ...problemResponses,
    },
  }),
);

const listAccountsRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/ledger/accounts",
    tags,
    summary: "Accounts with balances, filtered by owner, kind or currency, in pages ordered by id.",
    request: {
      query: z.object({
        ownerId: z.string().max(200).optional(),
        kind: z.string().max(64).optional(),
        currency: z.string().max(32).optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
        after: z.string().max(100).optional().openapi({ description: "The last id of the previous page." }),
      }),
    },
    responses: {
      200: jsonResponse(
        z.object({ items: z.array(accountBalanceSchema), nextAfter: z.string().nullable() }),
        "A page of accounts.",
      ),
      ...problemResponses,
    },
  }),
);

export const getTransactionRoute = createRoute(
  secured("server", {
    method: "get",
    path: "/v1/ledger/transactions/{transactionId}",
    tags,
    summary: "A posted transaction with its entries.",
    request: { params: z.object({ transactionId: z.string().max(200) }) },
    responses: {
      200: jsonResponse(transactionSchema, "The transaction."),
      404: problemResponse("No such transaction."),
      ...problemResponses,
    },
  }),
);

const postTransactionRoute = createRoute(
  secured("admin", {
    method: "post",
    path: "/v1/ledger/transactions",
    tags,
    summary: "Post a balanced transaction (manual adjustment). Idempotent on `id`.",
    request: { body: { content: { "application/json": { schema: postTransactionSchema } }, required: true } },
    responses: {
      201: jsonResponse(transactionSchema, "Posted."),
      200: jsonResponse(transactionSchema, "Already posted with the same content; the original."),
      402: problemResponse("An entry's balance floor would be crossed."),
      409: problemResponse("The id was posted with different content."),
      ...problemResponses,
    },
  }),
);

const verifyRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/ledger/verification",
    tags,
    summary: "Recompute every balance from its entries and report any difference.",
    responses: { 200: jsonResponse(verificationSchema, "The report."), ...problemResponses },
  }),
);

export const ledgerRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(getAccountRoute, async (c) => {
    const balance = await c.get("billhook").ledger.getAccountBalance(c.req.valid("param").accountId);
    return c.json(presentAccountBalance(balance), 200);
  })
  .openapi(listAccountsRoute, async (c) => {
    const { after, ...filter } = c.req.valid("query");
    const items = await c.get("billhook").ledger.listAccounts({
      ...filter,
      ...(after ? { afterId: after } : {}),
    });
    const nextAfter = items.length === filter.limit ? (items.at(-1)?.account.id ?? null) : null;
    return c.json({ items: items.map(presentAccountBalance), nextAfter }, 200);
  })
  .openapi(getTransactionRoute, async (c) => {
    const transaction = await c.get("billhook").ledger.getTransaction(c.req.valid("param").transactionId);
    return c.json(presentTransaction(transaction), 200);
  })
  .openapi(postTransactionRoute, async (c) => {
    const result = await c.get("billhook").ledger.post(c.req.valid("json"));
    return c.json(presentTransaction(result.transaction), result.replayed ? 200 : 201);
  })
  .openapi(verifyRoute, async (c) => c.json(await c.get("billhook").ledger.verify(), 200));

function presentAccountBalance(balance: AccountBalance) {
  return {
    id: balance.account.id,
    kind: balance.account.kind,
    ownerId: balance.account.ownerId,
    currency: balance.account.currency,
    balanceMinor: balance.balanceMinor,
    entryCount: balance.entryCount,
    createdAt: balance.account.createdAt.toISOString(),
    updatedAt: balance.updatedAt?.toISOString() ?? null,
  };
}

function presentTransaction(transaction: LedgerTransaction) {
  return {
    id: transaction.id,
    description: transaction.description,
    metadata: transaction.metadata,
    postedAt: transaction.postedAt.toISOString(),
    entries: transaction.entries,
  };
}
