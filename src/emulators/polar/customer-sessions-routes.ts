import type { Hono } from "hono";
import { z } from "zod";
import { serializeCustomerSession } from "./billing-serializers.js";
import { findCustomer, findCustomerByExternalId } from "./customers-routes.js";
import type { PolarEmulatorRuntime } from "./emulator-runtime.js";
import { PolarValidationError, parseBody } from "./polar-errors.js";
import type { CustomerSessionRecord } from "./polar-records.js";
import { polarToken } from "./polar-token.js";

/** Polar: customer sessions last one hour. */
const CUSTOMER_SESSION_LIFETIME_MS = 60 * 60 * 1000;

const customerSessionCreateSchema = z.object({
  customer_id: z.string().uuid().nullish(),
  external_customer_id: z.string().nullish(),
  customer_external_id: z.string().nullish(),
  return_url: z.string().url().nullish(),
  member_id: z.string().nullish(),
  external_member_id: z.string().nullish(),
});

export function createCustomerSession(
  runtime: PolarEmulatorRuntime,
  customerId: string,
  returnUrl: string | null,
): CustomerSessionRecord {
  const now = runtime.now();
  return runtime.store.customerSessions.put({
    id: runtime.newId(),
    created_at: now.toISOString(),
    modified_at: null,
    token: polarToken(runtime.random, "polar_cst_"),
    expires_at: new Date(now.getTime() + CUSTOMER_SESSION_LIFETIME_MS).toISOString(),
    return_url: returnUrl,
    customer_id: customerId,
  });
}

/** A live session by token, or undefined when unknown or expired. */
export function findCustomerSession(
  runtime: PolarEmulatorRuntime,
  token: string,
): CustomerSessionRecord | undefined {
  const session = runtime.store.customerSessions.find((row) => row.token === token);
  if (!session || Date.parse(session.expires_at) <= runtime.now().getTime()) return undefined;
  return session;
}

export function registerCustomerSessionRoutes(app: Hono, runtime: PolarEmulatorRuntime): void {
  app.post("/v1/customer-sessions/", async (context) => {
    const body = await parseBody(context, customerSessionCreateSchema);
    const externalId = body.external_customer_id ?? body.customer_external_id;
    if (!body.customer_id && !externalId) {
      throw new PolarValidationError([
        { type: "missing", loc: ["body", "customer_id"], msg: "Field required", input: body },
      ]);
    }
    const customer = body.customer_id
      ? findCustomerOr422(() => findCustomer(runtime, body.customer_id!), "customer_id", body.customer_id)
      : findCustomerOr422(
          () => findCustomerByExternalId(runtime, externalId!),
          "external_customer_id",
          externalId,
        );
    const session = createCustomerSession(runtime, customer.id, body.return_url ?? null);
    return context.json(serializeCustomerSession(runtime.store, runtime.publicUrl ?? "", session), 201);
  });
}

function findCustomerOr422<T>(find: () => T, field: string, input: unknown): T {
  try {
    return find();
  } catch {
    throw new PolarValidationError(
      [{ type: "value_error", loc: ["body", field], msg: "Customer does not exist.", input }],
      "PolarRequestValidationError",
    );
  }
}
