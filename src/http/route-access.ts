import type { RouteConfig } from "@hono/zod-openapi";
import type { ApiKeyScope } from "../modules/api-keys/index.js";
import { requireScope } from "./middleware/authenticate.js";

type RouteWithoutAccess = Omit<RouteConfig, "security" | "middleware">;

/**
 * Every route states who may call it. Authentication itself is applied to all of `/v1/*` by the app
 * (secure by default); `secured` adds the scope check and records the requirement in the OpenAPI
 * document, `open` marks a route public there (it must live outside `/v1/` or under a public prefix).
 */
export function secured<R extends RouteWithoutAccess>(scope: ApiKeyScope, route: R) {
  return { ...route, security: [{ apiKey: [] }], middleware: requireScope(scope) };
}

export function open<R extends RouteWithoutAccess>(route: R) {
  return { ...route, security: [] };
}
