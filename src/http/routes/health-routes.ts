import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { BillhookError } from "../../kernel/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponse } from "../openapi-schemas.js";
import { open } from "../route-access.js";

const statusSchema = z.object({ status: z.string() });

const healthRoute = createRoute(
  open({
    method: "get",
    path: "/healthz",
    tags: ["Health"],
    summary: "Liveness: the process is up.",
    responses: { 200: jsonResponse(statusSchema, "Alive.") },
  }),
);

const readyRoute = createRoute(
  open({
    method: "get",
    path: "/readyz",
    tags: ["Health"],
    summary: "Readiness: the database answers.",
    responses: {
      200: jsonResponse(statusSchema, "Ready to serve."),
      503: problemResponse("The database is unreachable."),
    },
  }),
);

export const healthRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(healthRoute, (c) => c.json({ status: "ok" }, 200))
  .openapi(readyRoute, async (c) => {
    try {
      await c.get("billhook").storage.ping();
    } catch {
      throw new BillhookError("STORAGE_UNAVAILABLE", "The database does not answer.");
    }
    return c.json({ status: "ready" }, 200);
  });
