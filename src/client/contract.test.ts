import type { z } from "@hono/zod-openapi";
import { describe, expectTypeOf, it } from "vitest";
import type { checkoutRoute, paymentIntentRoute } from "../http/routes/checkout-routes.js";
import type { getHoldRoute, grantRoute, holdRoute, spendRoute } from "../http/routes/credit-routes.js";
import type { checkRoute } from "../http/routes/entitlement-routes.js";
import type { getTransactionRoute } from "../http/routes/ledger-routes.js";
import type { sellerDashboardOfCustomerRoute } from "../http/routes/marketplace-routes.js";
import type { BillhookClient } from "./client.js";
import type * as Contract from "./contract.js";

/**
 * The proof that the client cannot drift from the server: each method's argument and answer equal
 * the zod schemas the server validates with, read here by hand from the route objects. A route
 * change the client does not follow fails `tsc` (this file is type-checked).
 */
type BodyOf<R extends { request: { body: { content: { "application/json": { schema: z.ZodType } } } } }> =
  z.input<R["request"]["body"]["content"]["application/json"]["schema"]>;
type Answer<R, S extends 200 | 201> = R extends {
  responses: { [K in S]: { content: { "application/json": { schema: infer Schema extends z.ZodType } } } };
}
  ? z.output<Schema>
  : never;
type Client = BillhookClient;
type Input<F extends (...args: never[]) => unknown, I extends number = 0> = Parameters<F>[I];

describe("the client's types are the server contract's", () => {
  it("credits", () => {
    expectTypeOf<Input<Client["credits"]["spend"]>>().toEqualTypeOf<
      Contract.WithOptionalKey<BodyOf<typeof spendRoute>>
    >();
    expectTypeOf<Contract.SpendRequest>().toEqualTypeOf<BodyOf<typeof spendRoute>>();
    expectTypeOf<ReturnType<Client["credits"]["spend"]>>().toEqualTypeOf<
      Promise<Answer<typeof spendRoute, 200>>
    >();
    expectTypeOf<Contract.HoldRequest>().toEqualTypeOf<BodyOf<typeof holdRoute>>();
    expectTypeOf<ReturnType<Client["credits"]["hold"]>>().toEqualTypeOf<
      Promise<Answer<typeof holdRoute, 201>>
    >();
    expectTypeOf<ReturnType<Client["credits"]["getHold"]>>().toEqualTypeOf<
      Promise<Answer<typeof getHoldRoute, 200>>
    >();
    expectTypeOf<Contract.GrantRequest>().toEqualTypeOf<BodyOf<typeof grantRoute>>();
    expectTypeOf<ReturnType<Client["credits"]["grant"]>>().toEqualTypeOf<
      Promise<Answer<typeof grantRoute, 201>>
    >();
  });

  it("billing", () => {
    expectTypeOf<Input<Client["checkouts"]["create"]>>().toEqualTypeOf<BodyOf<typeof checkoutRoute>>();
    expectTypeOf<ReturnType<Client["checkouts"]["create"]>>().toEqualTypeOf<
      Promise<Answer<typeof checkoutRoute, 201>>
    >();
    expectTypeOf<Input<Client["paymentIntents"]["create"]>>().toEqualTypeOf<
      BodyOf<typeof paymentIntentRoute>
    >();
    expectTypeOf<Contract.CheckResult>().toEqualTypeOf<Answer<typeof checkRoute, 200>>();
    expectTypeOf<Input<Client["check"]>>().toEqualTypeOf<{
      customerId: string;
      feature: string;
      units?: number | undefined;
    }>();
    expectTypeOf<Contract.CheckResult["code"]>().toEqualTypeOf<
      "ALLOWED" | "PAYMENT_REQUIRED" | "SUBSCRIPTION_REQUIRED" | "INSUFFICIENT_CREDITS" | "QUOTA_EXCEEDED"
    >();
  });

  it("ledger", () => {
    expectTypeOf<ReturnType<Client["ledger"]["getTransaction"]>>().toEqualTypeOf<
      Promise<Answer<typeof getTransactionRoute, 200>>
    >();
  });

  it("sellers", () => {
    expectTypeOf<ReturnType<Client["sellers"]["dashboardOf"]>>().toEqualTypeOf<
      Promise<Answer<typeof sellerDashboardOfCustomerRoute, 200>>
    >();
  });
});
