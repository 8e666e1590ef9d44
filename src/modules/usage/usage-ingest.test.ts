import { beforeAll, expect, it } from "vitest";
import { resolveConfig } from "../../config/index.js";
import { ManualClock, randomBase62, ValidationError } from "../../kernel/index.js";
import { describeEachDialect } from "../../testing/storage-matrix.js";
import { Catalog } from "../catalog/index.js";
import { Usage } from "./usage-service.js";
import type { UsageEventInput } from "./usage-types.js";

const config = resolveConfig(
  {},
  {
    catalog: {
      meters: {
        tokens: { event: "llm.completion", aggregation: "sum", property: "tokens" },
        calls: { event: "llm.completion" },
        models: { event: "llm.completion", aggregation: "unique", property: "model" },
      },
    },
  },
);

/**
 * Batch ingest's bulk path with the sync outbox on: duplicates within the batch, of earlier batches
 * (first, in the middle and last in key order, which the SQLite read-back of new rows depends on) and
 * of a whole batch, with exact totals and exactly one outbox row per stored event.
 */
describeEachDialect("usage batch ingest", (fixture) => {
  let usage: Usage;
  const clock = new ManualClock(new Date("2026-03-10T12:00:00Z"));

  beforeAll(() => {
    usage = new Usage({
      access: fixture.storage(),
      clock,
      catalog: new Catalog(config.catalog),
      settings: config.usage,
      queueSync: true,
    });
  });

  const outboxOf = async (customerId: string) =>
    (
      await fixture
        .storage()
        .kysely.selectFrom("usage_sync_outbox")
        .select("idempotency_key")
        .where("customer_id", "=", customerId)
        .execute()
    )
      .map((row) => row.idempotency_key)
      .sort();

  it("stores each key once, queues each stored event once and keeps totals exact", async () => {
    const customerId = `u_${randomBase62(8)}`;
    const other = `v_${randomBase62(8)}`;
    const event = (key: string, tokens: number, model = "m1", who = customerId): UsageEventInput => ({
      customerId: who,
      event: "llm.completion",
      idempotencyKey: key,
      properties: { tokens, model },
    });
    expect(await usage.ingest([event("k2", 10), event("k5", 20), event("k9", 40, "m2")])).toEqual({
      inserted: 3,
      duplicates: 0,
    });

    // Earlier keys first (k2), in the middle (k5) and last (k9) in key order; k3 twice in the batch
    // (the second, different copy is ignored); another customer's k2 is a different event.
    const second = await usage.ingest([
      event("k9", 999),
      event("k3", 1),
      event("k2", 999),
      event("k3", 500, "m9"),
      event("k5", 999),
      event("k4", 2, "m3"),
      event("k2", 7, "m1", other),
    ]);
    expect(second).toEqual({ inserted: 3, duplicates: 4 });
    // A batch of nothing but duplicates changes nothing.
    expect(await usage.ingest([event("k4", 999), event("k2", 999)])).toEqual({
      inserted: 0,
      duplicates: 2,
    });

    const quota = (meter: string, who = customerId) => usage.quota(who, meter).then((q) => q.used);
    expect(await quota("tokens")).toBe(10 + 20 + 40 + 1 + 2);
    expect(await quota("calls")).toBe(5);
    expect(await quota("models")).toBe(3);
    expect(await quota("tokens", other)).toBe(7);
    expect(await outboxOf(customerId)).toEqual(["k2", "k3", "k4", "k5", "k9"]);
    expect(await outboxOf(other)).toEqual(["k2"]);
  });

  it("refuses a batch with an invalid event whole: no event, total or outbox row", async () => {
    const customerId = `u_${randomBase62(8)}`;
    const error = await usage
      .ingest([
        { customerId, event: "llm.completion", idempotencyKey: "ok", properties: { tokens: 5 } },
        { customerId, event: "", idempotencyKey: "bad", properties: { tokens: 5 } },
        { customerId, event: "llm.completion", idempotencyKey: "ok2", value: Number.POSITIVE_INFINITY },
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((issue) => issue.path)).toEqual([
      "events.1.event",
      "events.2.value",
    ]);
    expect(await usage.quota(customerId, "tokens").then((q) => q.used)).toBe(0);
    expect(await outboxOf(customerId)).toEqual([]);
    // The same keys go in afterwards, once.
    expect(
      await usage.ingest([
        { customerId, event: "llm.completion", idempotencyKey: "ok", properties: { tokens: 5 } },
      ]),
    ).toEqual({ inserted: 1, duplicates: 0 });
    expect(await outboxOf(customerId)).toEqual(["ok"]);
  });

  it("finds which keys of a full batch were new when every third was stored before", async () => {
    const customerId = `u_${randomBase62(8)}`;
    const event = (index: number): UsageEventInput => ({
      customerId,
      event: "llm.completion",
      idempotencyKey: `e${String(index).padStart(4, "0")}`,
      properties: { tokens: index },
    });
    const earlier = Array.from({ length: 334 }, (_, index) => event(index * 3));
    expect(await usage.ingest(earlier)).toEqual({ inserted: 334, duplicates: 0 });
    const all = Array.from({ length: 1000 }, (_, index) => event(index));
    expect(await usage.ingest(all)).toEqual({
      inserted: 666,
      duplicates: 334,
    });
    expect(await usage.quota(customerId, "tokens").then((q) => q.used)).toBe((999 * 1000) / 2);
    expect((await outboxOf(customerId)).length).toBe(1000);
  });
});
