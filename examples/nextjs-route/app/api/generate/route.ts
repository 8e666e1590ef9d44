/**
 * A Next.js App Router route handler gated by a feature and metered per successful call. The
 * helpers take and return Web `Request`/`Response`, so they need nothing from Next.js itself.
 */
import { withFeature, withMeter } from "billhook";
import { billhook } from "../../../lib/billhook";

const customerId = (request: Request) => request.headers.get("x-user-id") ?? undefined;

export const POST = withFeature(
  billhook,
  "api",
  { customerId },
  withMeter(billhook, "api.request", { customerId }, async () => Response.json({ image: "…" })),
);
