import { z } from "zod";
import { readQuery } from "./request-input.js";
import { compileSearchQuery } from "./search-query.js";
import type { StripeApp } from "./stripe-app-types.js";
import { expandObject, searchPage, searchParams, stripDataPrefix } from "./stripe-lists.js";
import type { StripeStore } from "./stripe-store.js";

type SearchableResource =
  | "customers"
  | "products"
  | "prices"
  | "subscriptions"
  | "invoices"
  | "paymentIntents";

/**
 * `GET /v1/<path>/search` for one resource: Stripe's search query language over the table, newest
 * first, paged by an opaque token, with `expand[]=data.…` applied to every row.
 */
export function registerSearchRoute(
  app: StripeApp,
  store: StripeStore,
  path: string,
  resource: SearchableResource,
): void {
  const url = `/v1/${path}/search`;
  app.get(url, (context) => {
    const query = readQuery(context, z.object(searchParams));
    const table = store[resource] as { filter(predicate: (row: object) => boolean): object[] };
    const page = searchPage(table.filter(compileSearchQuery(query.query)), url, query);
    return context.json({
      ...page,
      data: page.data.map((row) => expandObject(store, row as never, stripDataPrefix(query.expand))),
    });
  });
}
