import { Socket } from "node:net";

/** Redis for tests: 127.0.0.1:6379 on every machine here, or `BILLHOOK_TEST_REDIS_URL`. */
export const testRedisUrl = process.env.BILLHOOK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/**
 * Whether Redis answers a TCP connect. Locally an unreachable Redis skips the tests that need it;
 * under CI (`CI=true`) it throws instead, like PostgreSQL: a silent skip would prove nothing.
 */
export async function redisAvailableForTests(url: string = testRedisUrl): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.setTimeout(1_000);
    const settle = (result: boolean) => {
      socket.destroy();
      resolve(result);
    };
    socket.once("connect", () => settle(true));
    socket.once("error", () => settle(false));
    socket.once("timeout", () => settle(false));
    socket.connect(Number(port || 6379), hostname);
  });
  if (!reachable && process.env.CI === "true") throw new Error(`Redis is unreachable at ${url} and CI=true`);
  return reachable;
}
