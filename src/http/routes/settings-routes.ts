import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import {
  runtimeSettingsSchema,
  type SettingsPatch,
  type SettingsView,
} from "../../modules/settings/index.js";
import type { HttpEnv } from "../http-env.js";
import { jsonResponse, problemResponses } from "../openapi-schemas.js";
import { secured } from "../route-access.js";

const tags = ["Settings"];

const settingsViewSchema = z
  .object({
    values: runtimeSettingsSchema,
    overrides: z.array(z.object({ key: z.string(), updatedAt: z.string(), updatedBy: z.string() })),
  })
  .openapi("Settings");

/** Every key optional; `null` resets a key to its configured default. */
const patchSchema = z
  .object(
    Object.fromEntries(
      Object.entries(runtimeSettingsSchema.shape).map(([key, schema]) => [key, schema.nullable().optional()]),
    ) as {
      [K in keyof typeof runtimeSettingsSchema.shape]: z.ZodOptional<
        z.ZodNullable<(typeof runtimeSettingsSchema.shape)[K]>
      >;
    },
  )
  .strict();

export const getSettingsRoute = createRoute(
  secured("admin", {
    method: "get",
    path: "/v1/settings",
    tags,
    summary: "Runtime settings: the values in force and which of them were changed from their defaults.",
    responses: { 200: jsonResponse(settingsViewSchema, "The settings."), ...problemResponses },
  }),
);

const patchRoute = createRoute(
  secured("admin", {
    method: "patch",
    path: "/v1/settings",
    tags,
    summary:
      "Change settings atomically (`null` resets a key). Every instance applies the change within 2 s; subscription grace applies to subscription events from then on.",
    request: { body: { content: { "application/json": { schema: patchSchema } }, required: true } },
    responses: {
      200: jsonResponse(settingsViewSchema, "The settings after the change."),
      ...problemResponses,
    },
  }),
);

export const settingsRoutes = new OpenAPIHono<HttpEnv>()
  .openapi(getSettingsRoute, async (c) => c.json(present(await c.get("billhook").settings.describe()), 200))
  .openapi(patchRoute, async (c) => {
    const view = await c
      .get("billhook")
      .settings.update(c.req.valid("json") as SettingsPatch, `api_key:${c.get("apiKey").id}`);
    return c.json(present(view), 200);
  });

function present(view: SettingsView) {
  return {
    values: view.values,
    overrides: view.overrides.map((row) => ({
      key: row.key,
      updatedAt: row.updatedAt.toISOString(),
      updatedBy: row.updatedBy,
    })),
  };
}
