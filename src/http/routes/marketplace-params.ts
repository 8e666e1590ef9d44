import { z } from "@hono/zod-openapi";

// Request parts shared by the seller routes and the marketplace's money routes.

export const tags = ["Marketplace"];
export const sellerParams = z.object({ sellerId: z.string().min(1).max(100) });
export const currency = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .openapi({ example: "USD" });
export const customerId = z.string().min(1).max(200).openapi({ example: "viewer_42" });

export function json<T extends z.ZodType>(schema: T) {
  return { body: { required: true, content: { "application/json": { schema } } } };
}
