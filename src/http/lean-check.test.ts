import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resolveConfig } from "../config/index.js";
import { type Billhook, createBillhook } from "../engine.js";
import { ManualClock } from "../kernel/index.js";
import { withNodeRequestIo } from "../node/node-request-io.js";
import type { Storage } from "../storage/index.js";
import { openStorage } from "../storage/open-storage.js";
import { proSubscription } from "../testing/billing-fixtures.js";
import { MemoryLogger } from "../testing/test-engine.js";
import { createHttpApp } from "./app.js";
import { checkQuerySchema } from "./routes/entitlement-routes.js";

/**
 * The lean path (lean-check.ts) must answer `GET /v1/entitlements/check` exactly as the general
 * middleware chain and route would: the same request goes to an app with the lean path and to one
 * without it, both over a real socket (so the lean path reads Node's own parsed headers) and through
 * `app.request()` (no Node env), and the answers (status, headers, body, log line) must be equal.
 *
 * Two engines over one database: the same keys, subscriptions, credits and usage for both, while
 * each keeps its own in-memory rate limiter, so a rate-limited feature counts each app's requests
 * apart and the two stay in step.
 */

const allowedOrigin = "https://app.example.com";
const config = resolveConfig(
  { BILLHOOK_CORS_ORIGINS: allowedOrigin },
  {
    catalog: {
      features: {
        export: {},
        reports: {},
        generate: { type: "credits", creditType: "images" },
        api: { type: "metered", meter: "api_calls" },
        burst: {
          rateLimits: [
            { limit: 2, window: "minute" },
            { limit: 3, window: "day" },
          ],
        },
      },
      credits: { images: { unit: "image" } },
      meters: { api_calls: { event: "api.request" } },
      plans: {
        pro: {
          name: "Pro",
          price: { amountMinor: 1200, currency: "USD" },
          interval: "month",
          features: ["export", "api", "burst"],
          limits: { api_calls: { limit: 5, overage: "block" } },
        },
      },
      products: {
        reports_pack: {
          name: "Reports pack",
          price: { amountMinor: 4900, currency: "USD" },
          features: ["reports"],
        },
      },
    },
    settings: { upgradeUrl: "https://app.example.com/pricing?f={feature}" },
  },
);

type App = ReturnType<typeof createHttpApp>;
type Which = "lean" | "general";
interface Call {
  method?: string;
  path: string;
  /** An array sends the header once per value (over the socket, as separate header lines). */
  headers?: Record<string, string | string[]>;
}
interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}
type Send = (which: Which, call: Call) => Promise<Answer>;

let storage: Storage;
const clock = new ManualClock(new Date("2026-05-20T09:00:00Z"));
const engines = {} as Record<
  Which,
  { billhook: Billhook; logger: MemoryLogger; app: App; server: ServerType }
>;
const keys = { server: "", admin: "", revoked: "", token: "" };

beforeAll(async () => {
  storage = openStorage({ databaseUrl: ":memory:" });
  await storage.migrate();
  for (const which of ["lean", "general"] as const) {
    const logger = new MemoryLogger();
    const billhook = createBillhook({ storage, clock, logger, config });
    const app = createHttpApp(billhook, { leanCheck: which === "lean" });
    engines[which] = { billhook, logger, app, server: await listen(app) };
  }
  const { billhook } = engines.lean;
  keys.server = (await billhook.apiKeys.create({ scope: "server", name: "server" })).secret;
  keys.admin = (await billhook.apiKeys.create({ scope: "admin", name: "admin" })).secret;
  const revoked = await billhook.apiKeys.create({ scope: "server", name: "revoked" });
  await billhook.apiKeys.revoke(revoked.apiKey.id);
  keys.revoked = revoked.secret;
  for (const customerId of ["alice", "burst_socket", "burst_request"]) {
    await storage.transaction((stores) =>
      billhook.billing.apply(stores, "polar", proSubscription(customerId, clock.now())),
    );
  }
  await billhook.credits.grant({ customerId: "alice", type: "images", amount: 10, idempotencyKey: "seed" });
  // Three of the plan's five api calls used.
  await billhook.usage.ingest(
    ["u1", "u2", "u3"].map((idempotencyKey) => ({
      customerId: "alice",
      event: "api.request",
      idempotencyKey,
    })),
  );
  keys.token = (await billhook.customerTokens.mint({ customerId: "alice", ttlSeconds: 3600 })).token;
});

afterAll(async () => {
  for (const which of ["lean", "general"] as const) {
    const engine = engines[which];
    if (!engine) continue;
    await new Promise((done) => engine.server.close(done));
    await engine.billhook.changeBus.close();
    await engine.billhook.rateLimits.close();
  }
  await storage?.close();
});

function listen(app: App): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    // As `billhook serve` runs it: with Node's request reader in env.
    const server = serve({ fetch: withNodeRequestIo(app.fetch), port: 0, hostname: "127.0.0.1" }, () =>
      resolve(server),
    );
    server.on("error", reject);
  });
}

const viaSocket: Send = (which, call) => {
  const { port } = engines[which].server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: "127.0.0.1",
        port,
        method: call.method ?? "GET",
        path: call.path,
        headers: call.headers ?? {},
        agent: false,
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
        incoming.on("error", reject);
        incoming.on("end", () => {
          const headers: Record<string, string> = {};
          for (const [name, value] of Object.entries(incoming.headers)) {
            if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: incoming.statusCode!, headers, body: parseBody(text) });
        });
      },
    );
    outgoing.on("error", reject);
    outgoing.end();
  });
};

const viaAppRequest: Send = async (which, call) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(call.headers ?? {})) {
    for (const one of Array.isArray(value) ? value : [value]) headers.append(name, one);
  }
  const response = await engines[which].app.request(call.path, { method: call.method ?? "GET", headers });
  const answered: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    answered[name] = value;
  });
  return { status: response.status, headers: answered, body: parseBody(await response.text()) };
};

function parseBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Framing and connection headers, which describe the delivery rather than the answer. */
const deliveryHeaders = new Set(["date", "connection", "keep-alive", "content-length", "transfer-encoding"]);
const requestIdPattern = /^[\w\-=]{1,255}$/;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const instancePrefix = "urn:billhook:request:";

/**
 * An answer with its request id taken out (checked first: echoed when the request gave a valid one,
 * a fresh UUID otherwise, the same in the header, the problem's `instance` and the log line), plus
 * the log lines the request wrote (without their duration).
 */
function normalised(answer: Answer, lines: MemoryLogger["lines"], call: Call) {
  const given = call.headers?.["x-request-id"];
  const echoed = typeof given === "string" && requestIdPattern.test(given) ? given : undefined;
  const ids = new Set<string>();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    if (deliveryHeaders.has(name)) continue;
    if (name === "x-request-id") {
      ids.add(value);
      headers[name] = "<request id>";
    } else headers[name] = value;
  }
  let body = answer.body;
  if (typeof body === "object" && body !== null && "instance" in body && typeof body.instance === "string") {
    expect(body.instance.startsWith(instancePrefix), body.instance).toBe(true);
    ids.add(body.instance.slice(instancePrefix.length));
    body = { ...body, instance: "<instance>" };
  }
  const log = lines.map(({ level, message, fields }) => {
    const { durationMs, requestId, ...rest } = fields;
    expect(typeof durationMs).toBe("number");
    ids.add(String(requestId));
    return { level, message, fields: { requestId: "<request id>", ...rest } };
  });
  // One request id throughout the answer and its log line: the one given, or a fresh one.
  expect(ids.size, `request ids ${[...ids].join(", ")}`).toBeLessThanOrEqual(1);
  for (const id of ids) {
    if (echoed !== undefined) expect(id).toBe(echoed);
    else expect(id).toMatch(uuidPattern);
  }
  return { status: answer.status, headers, body, log };
}

/** Sends `call` to both apps and expects the same answer; returns the lean app's. */
async function expectSameAnswer(send: Send, call: Call): Promise<Answer> {
  const answers = {} as Record<Which, Answer>;
  const views = {} as Record<Which, ReturnType<typeof normalised>>;
  for (const which of ["lean", "general"] as const) {
    const { logger } = engines[which];
    const before = logger.lines.length;
    answers[which] = await send(which, call);
    views[which] = normalised(answers[which], logger.lines.slice(before), call);
  }
  // Soft, so a sequence (the rate-limited one) goes on and shows every difference, not the first.
  expect
    .soft(views.lean, `lean: ${JSON.stringify(answers.lean)}\ngeneral: ${JSON.stringify(answers.general)}`)
    .toEqual(views.general);
  // Every answer, problems included, says which request it was.
  for (const which of ["lean", "general"] as const) {
    expect(
      answers[which].headers["x-request-id"],
      `${which}: ${JSON.stringify(answers[which])}`,
    ).toBeDefined();
  }
  return answers.lean;
}

const check = (query: string, headers: Record<string, string | string[]> = {}): Call => ({
  path: `/v1/entitlements/check${query}`,
  headers,
});
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const server = () => bearer(keys.server);

/** Each case: the request (built once the keys exist), and the status and `code` both must answer. */
const cases: Array<[name: string, call: () => Call, status: number, code: string | undefined]> = [
  ["allowed boolean feature", () => check("?customerId=alice&feature=export", server()), 200, "ALLOWED"],
  [
    "denied boolean feature: subscription required, with upgrade product and URL",
    () => check("?customerId=bob&feature=export", server()),
    200,
    "SUBSCRIPTION_REQUIRED",
  ],
  [
    "feature from a product the customer has not bought",
    () => check("?customerId=alice&feature=reports", server()),
    200,
    "SUBSCRIPTION_REQUIRED",
  ],
  [
    "given request id echoed",
    () => check("?customerId=alice&feature=export", { ...server(), "x-request-id": "abc-123" }),
    200,
    "ALLOWED",
  ],
  [
    "invalid request id replaced",
    () => check("?customerId=alice&feature=export", { ...server(), "x-request-id": "not valid!" }),
    200,
    "ALLOWED",
  ],
  [
    "request id of 255 characters echoed",
    () => check("?customerId=alice&feature=export", { ...server(), "x-request-id": "r".repeat(255) }),
    200,
    "ALLOWED",
  ],
  [
    "request id of 256 characters replaced",
    () => check("?customerId=alice&feature=export", { ...server(), "x-request-id": "r".repeat(256) }),
    200,
    "ALLOWED",
  ],
  [
    "two request ids replaced",
    () => check("?customerId=alice&feature=export", { ...server(), "x-request-id": ["abc-123", "def-456"] }),
    200,
    "ALLOWED",
  ],
  [
    "percent-encoded path",
    () => ({ ...check("", server()), path: "/v1/entitlements/%63heck?customerId=alice&feature=export" }),
    200,
    "ALLOWED",
  ],
  ["percent-encoded query", () => check("?customerId=al%69ce&feature=%65xport", server()), 200, "ALLOWED"],
  ["admin key", () => check("?customerId=alice&feature=export", bearer(keys.admin)), 200, "ALLOWED"],
  ["unknown feature", () => check("?customerId=alice&feature=nope", server()), 404, "UNKNOWN_FEATURE"],
  [
    "unknown feature with a given request id",
    () => check("?customerId=alice&feature=nope", { ...server(), "x-request-id": "abc-123" }),
    404,
    "UNKNOWN_FEATURE",
  ],
  ["credits: default one unit", () => check("?customerId=alice&feature=generate", server()), 200, "ALLOWED"],
  [
    "credits: units within balance",
    () => check("?customerId=alice&feature=generate&units=10", server()),
    200,
    "ALLOWED",
  ],
  [
    "credits: insufficient",
    () => check("?customerId=alice&feature=generate&units=11", server()),
    200,
    "INSUFFICIENT_CREDITS",
  ],
  [
    "credits: customer with none",
    () => check("?customerId=bob&feature=generate&units=1", server()),
    200,
    "INSUFFICIENT_CREDITS",
  ],
  ["metered: within quota", () => check("?customerId=alice&feature=api&units=2", server()), 200, "ALLOWED"],
  [
    "metered: over quota",
    () => check("?customerId=alice&feature=api&units=3", server()),
    200,
    "QUOTA_EXCEEDED",
  ],
  ["metered: no plan", () => check("?customerId=bob&feature=api", server()), 200, "SUBSCRIPTION_REQUIRED"],
  [
    "rate-limited feature refused before the rate counts",
    () => check("?customerId=bob&feature=burst", server()),
    200,
    "SUBSCRIPTION_REQUIRED",
  ],
  ["invalid query: no feature", () => check("?customerId=alice", server()), 422, "VALIDATION_FAILED"],
  ["invalid query: no customer", () => check("?feature=export", server()), 422, "VALIDATION_FAILED"],
  ["invalid query: empty", () => check("", server()), 422, "VALIDATION_FAILED"],
  [
    "invalid query: units=0",
    () => check("?customerId=alice&feature=generate&units=0", server()),
    422,
    "VALIDATION_FAILED",
  ],
  [
    "invalid query: units=abc",
    () => check("?customerId=alice&feature=generate&units=abc", server()),
    422,
    "VALIDATION_FAILED",
  ],
  [
    "invalid query: units=1.5",
    () => check("?customerId=alice&feature=generate&units=1.5", server()),
    422,
    "VALIDATION_FAILED",
  ],
  [
    "invalid query: repeated customerId",
    () => check("?customerId=a&customerId=b&feature=export", server()),
    422,
    "VALIDATION_FAILED",
  ],
  [
    "invalid query: feature too long",
    () => check(`?customerId=alice&feature=${"f".repeat(65)}`, server()),
    422,
    "VALIDATION_FAILED",
  ],
  [
    "query with a repeated __proto__",
    () => check("?__proto__=a&__proto__=b&customerId=alice&feature=export", server()),
    200,
    "ALLOWED",
  ],
  // The lean path parses the query itself: every decoding corner as Hono's parser decodes it.
  [
    "query: encoded name, + for a space",
    () => check("?feat%75re=export&customerId=ali+ce", server()),
    200,
    "SUBSCRIPTION_REQUIRED",
  ],
  [
    "query: malformed and non-UTF-8 escapes kept as sent",
    () => check("?customerId=%FF%E0%A4%A%ZZ&feature=export", server()),
    200,
    "SUBSCRIPTION_REQUIRED",
  ],
  [
    "query: empty names skipped",
    () => check("?&&=x&customerId=alice&&feature=export&", server()),
    200,
    "ALLOWED",
  ],
  [
    "query: a name without a value",
    () => check("?customerId=alice&feature=export&units", server()),
    422,
    "VALIDATION_FAILED",
  ],
  [
    "query: an encoded & and = stay in the value",
    () => check("?customerId=a%26b%3Dc&feature=export", server()),
    200,
    "SUBSCRIPTION_REQUIRED",
  ],
  ["no Authorization", () => check("?customerId=alice&feature=export"), 401, "UNAUTHORIZED"],
  [
    "malformed key",
    () => check("?customerId=alice&feature=export", bearer("not-a-key")),
    401,
    "UNAUTHORIZED",
  ],
  [
    "lower-case scheme",
    () => check("?customerId=alice&feature=export", { authorization: `bearer ${keys.server}` }),
    401,
    "UNAUTHORIZED",
  ],
  [
    "Basic credentials",
    () => check("?customerId=alice&feature=export", { authorization: "Basic dXNlcjpwYXNz" }),
    401,
    "UNAUTHORIZED",
  ],
  [
    "unknown key",
    () => check("?customerId=alice&feature=export", bearer(`bh_sk_${"x".repeat(32)}`)),
    401,
    "UNAUTHORIZED",
  ],
  ["revoked key", () => check("?customerId=alice&feature=export", bearer(keys.revoked)), 401, "UNAUTHORIZED"],
  // Node keeps only the first of repeated Authorization headers in `incoming.headers`; a Fetch
  // Headers (the general path's) joins them, which no bearer pattern accepts.
  [
    "two Authorization headers, the valid key first",
    () =>
      check("?customerId=alice&feature=export", {
        authorization: [`Bearer ${keys.server}`, "Bearer bh_sk_nope"],
      }),
    401,
    "UNAUTHORIZED",
  ],
  [
    "two Authorization headers, the valid key second",
    () =>
      check("?customerId=alice&feature=export", {
        authorization: ["Bearer bh_sk_nope", `Bearer ${keys.server}`],
      }),
    401,
    "UNAUTHORIZED",
  ],
  [
    "browser from an allowed origin",
    () => check("?customerId=alice&feature=export", { ...server(), origin: allowedOrigin }),
    200,
    "ALLOWED",
  ],
  [
    "browser from another origin",
    () => check("?customerId=alice&feature=export", { ...server(), origin: "https://evil.example.com" }),
    200,
    "ALLOWED",
  ],
  [
    "two Origin headers",
    () => check("?customerId=alice&feature=export", { ...server(), origin: [allowedOrigin, allowedOrigin] }),
    200,
    "ALLOWED",
  ],
  [
    "empty Origin",
    () => check("?customerId=alice&feature=export", { ...server(), origin: "" }),
    200,
    "ALLOWED",
  ],
  [
    "customer token, its own customer",
    () => check("?customerId=alice&feature=export", bearer(keys.token)),
    200,
    "ALLOWED",
  ],
  [
    "customer token, its own customer, from the allowed origin",
    () => check("?customerId=alice&feature=export", { ...bearer(keys.token), origin: allowedOrigin }),
    200,
    "ALLOWED",
  ],
  [
    "customer token, another customer",
    () => check("?customerId=bob&feature=export", bearer(keys.token)),
    403,
    "FORBIDDEN",
  ],
  [
    "POST",
    () => ({ ...check("?customerId=alice&feature=export", server()), method: "POST" }),
    404,
    "NOT_FOUND",
  ],
  [
    "HEAD",
    () => ({ ...check("?customerId=alice&feature=export", server()), method: "HEAD" }),
    200,
    undefined,
  ],
  [
    "CORS preflight",
    () => ({
      ...check("?customerId=alice&feature=export", {
        origin: allowedOrigin,
        "access-control-request-method": "GET",
        "access-control-request-headers": "authorization",
      }),
      method: "OPTIONS",
    }),
    204,
    undefined,
  ],
  [
    "trailing slash",
    () => ({
      ...check("?customerId=alice&feature=export", server()),
      path: "/v1/entitlements/check/?customerId=alice&feature=export",
    }),
    404,
    "NOT_FOUND",
  ],
];

const transports: Array<[name: string, send: Send, customerId: string]> = [
  ["over a socket (Node's incoming headers)", viaSocket, "burst_socket"],
  ["through app.request() (no Node env)", viaAppRequest, "burst_request"],
];

describe.each(transports)("the lean check answers as the general path, %s", (_, send, burstCustomer) => {
  it.each(cases)("%s", async (_name, call, status, code) => {
    const answer = await expectSameAnswer(send, call());
    expect(answer.status).toBe(status);
    if (code !== undefined) expect(answer.body).toMatchObject({ code });
  });

  it("counts a rate-limited feature alike: RateLimit headers, then 429 with Retry-After", async () => {
    const call = check(`?customerId=${burstCustomer}&feature=burst`, server());
    const answers = [];
    for (let index = 0; index < 3; index++) answers.push(await expectSameAnswer(send, call));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect(answers.map((answer) => answer.headers["ratelimit-remaining"])).toEqual(["1", "0", "0"]);
    expect(answers[2]!.headers["retry-after"]).toBeDefined();
    // Past the minute window, the day's third request; then the day's limit refuses.
    clock.advance(Number(answers[2]!.headers["retry-after"]) * 1000);
    expect((await expectSameAnswer(send, call)).status).toBe(200);
    clock.advance(120_000);
    const daily = await expectSameAnswer(send, call);
    expect(daily.status).toBe(429);
    expect(daily.headers["ratelimit-limit"]).toBe("3");
  });

  it("takes the lean path for an ordinary check, and steps aside for a browser", async () => {
    // The lean path parses the query with the route's schema synchronously; the route's validator
    // calls safeParseAsync, so only the lean path counts here.
    const safeParse = vi.spyOn(checkQuerySchema, "safeParse");
    try {
      const call = check("?customerId=alice&feature=export", server());
      await send("general", call);
      expect(safeParse).not.toHaveBeenCalled();
      await send("lean", call);
      expect(safeParse).toHaveBeenCalledTimes(1);
      await send("lean", check("?customerId=alice&feature=export", { ...server(), origin: allowedOrigin }));
      await send("lean", check("?customerId=alice&feature=export", bearer(keys.token)));
      expect(safeParse).toHaveBeenCalledTimes(1);
    } finally {
      safeParse.mockRestore();
    }
  });
});
