import type { RouteConfig } from "@hono/zod-openapi";
import type { ApiKeyScope } from "../modules/api-keys/index.js";
import { requireScope, requireScopeOrOwnCustomer } from "./middleware/authenticate.js";

type RouteWithoutAccess = Omit<RouteConfig, "security" | "middleware">;

/**
 * Every route states who may call it. Authentication itself is applied to all of `/v1/*` by the app
 * (secure by default); `secured` adds the scope check and records the requirement in the OpenAPI
 * document, `open` marks a route public there (it must live outside `/v1/` or under a public prefix).
 */
export function secured<R extends RouteWithoutAccess>(scope: ApiKeyScope, route: R) {
  // OpenAPI 3.1 lets a non-OAuth requirement list role names: the key's scope, for readers and tests.
  return { ...route, security: [{ apiKey: [scope] }], middleware: requireScope(scope) };
}

/**
 * Like `secured`, and also open to a browser holding a customer token, for that customer only (the
 * route's `customerId`, in its path, query or body, must be the token's). For the customer-facing
 * reads and the checkout a customer starts for themselves; never for anything that writes balances.
 */
export function customerAccessible<R extends RouteWithoutAccess>(scope: ApiKeyScope, route: R) {
  return {
    ...route,
    security: [{ apiKey: [scope] }, { customerToken: [] }] as Array<Record<string, string[]>>,
    middleware: requireScopeOrOwnCustomer(scope),
  };
}

export function open<R extends RouteWithoutAccess>(route: R) {
  return { ...route, security: [] };
}
