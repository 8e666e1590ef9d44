import type { Kysely } from "kysely";
import type { Schema } from "../schema.js";

/** Deletes the rows with these ids (a purge's second step, after it picked them); answers how many went. */
export async function deleteByIds(
  db: Kysely<Schema>,
  table: "domain_events" | "outbound_deliveries",
  ids: string[],
): Promise<number> {
  if (ids.length === 0) return 0;
  const result = await db.deleteFrom(table).where("id", "in", ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
