import { z } from "zod";
import type { TestClockObject } from "./billing-records.js";
import { runDueWork } from "./billing-scheduler.js";
import { formInt, readForm, readQuery } from "./request-input.js";
import type { StripeApp } from "./stripe-app-types.js";
import { invalidRequest, resourceMissing } from "./stripe-errors.js";
import { listParams, paginate } from "./stripe-lists.js";
import type { StripeEmulatorRuntime } from "./stripe-runtime.js";

/** Stripe deletes a test clock 30 days after creation (its docs example shows 7; UNCONFIRMED). */
const CLOCK_LIFETIME_SECONDS = 30 * 86_400;

/** Every clock shows at least the emulator's current time, since they share it. */
function syncClock(runtime: StripeEmulatorRuntime, clock: TestClockObject): TestClockObject {
  clock.frozen_time = Math.max(clock.frozen_time, runtime.nowSeconds());
  return clock;
}

function findClock(runtime: StripeEmulatorRuntime, id: string): TestClockObject {
  const clock = runtime.store.testClocks.get(id);
  if (!clock) throw resourceMissing("test_helpers.test_clock", id, "test_clock");
  return clock;
}

/**
 * Stripe's test clocks over the emulator's single clock: every clock shows the same frozen time, and
 * advancing one moves the emulator's time forward for all objects (then runs renewals and dunning).
 */
export function registerTestClockRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.post("/v1/test_helpers/test_clocks", async (context) => {
    const body = await readForm(
      context,
      runtime,
      z.object({ frozen_time: formInt, name: z.string().optional() }),
    );
    const now = runtime.nowSeconds();
    if (body.frozen_time < now)
      throw invalidRequest(
        "The emulator has one clock that only moves forward: frozen_time cannot be in its past.",
        "frozen_time",
      );
    const clock: TestClockObject = {
      id: runtime.newId("clock_", 24),
      object: "test_helpers.test_clock",
      created: now,
      deletes_after: now + CLOCK_LIFETIME_SECONDS,
      frozen_time: body.frozen_time,
      livemode: false,
      name: body.name ?? null,
      status: "ready",
      status_details: {},
    };
    store.testClocks.put(clock);
    return context.json(clock);
  });

  app.post("/v1/test_helpers/test_clocks/:id/advance", async (context) => {
    const clock = findClock(runtime, context.req.param("id"));
    const body = await readForm(context, runtime, z.object({ frozen_time: formInt }));
    syncClock(runtime, clock);
    if (body.frozen_time <= clock.frozen_time)
      throw invalidRequest(
        "The new frozen_time must be later than the clock's current frozen_time.",
        "frozen_time",
      );
    runtime.emit("test_helpers.test_clock.advancing", { ...clock, status: "advancing" });
    const seconds = body.frozen_time - runtime.nowSeconds();
    if (seconds > 0) runtime.clock.advanceSeconds(seconds);
    runDueWork(runtime);
    clock.frozen_time = body.frozen_time;
    runtime.emit("test_helpers.test_clock.ready", clock);
    return context.json(clock);
  });

  app.delete("/v1/test_helpers/test_clocks/:id", (context) => {
    const clock = findClock(runtime, context.req.param("id"));
    store.testClocks.delete(clock.id);
    return context.json({ id: clock.id, object: "test_helpers.test_clock", deleted: true });
  });

  registerTestClockReadRoutes(app, runtime);
}

/** The GET routes: retrieve, list and search never change state. */
function registerTestClockReadRoutes(app: StripeApp, runtime: StripeEmulatorRuntime): void {
  const store = runtime.store;
  app.get("/v1/test_helpers/test_clocks/:id", (context) =>
    context.json(syncClock(runtime, findClock(runtime, context.req.param("id")))),
  );

  app.get("/v1/test_helpers/test_clocks", (context) => {
    const query = readQuery(context, z.object(listParams));
    return context.json(
      paginate(
        store.testClocks.all().map((clock) => syncClock(runtime, clock)),
        "/v1/test_helpers/test_clocks",
        query,
      ),
    );
  });
}
