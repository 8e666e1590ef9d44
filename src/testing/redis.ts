import { Socket } from "node:net";

/** Redis for tests: 127.0.0.1:6379 on every machine here, or `BILLHOOK_TEST_REDIS_URL`. */
export const testRedisUrl = process.env.BILLHOOK_TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Only a host that drops packets takes this long; a stopped Redis on a reachable host refuses at once. */
const connectTimeoutMs = 5_000;

/**
 * Whether Redis answers a TCP connect. Locally an unreachable Redis skips the tests that need it;
 * under CI (`CI=true`) it throws instead, like PostgreSQL: a silent skip would prove nothing.
 *
 * The timeout decides only after the event loop has read its sockets (`setImmediate`): a process
 * that got no CPU for longer than the timeout runs the due timer before it sees the connect that
 * succeeded meanwhile, and a 1.2 s stall used to make a running Redis "unreachable" (a failed file
 * under CI).
 */
export async function redisAvailableForTests(url: string = testRedisUrl): Promise<boolean> {
  const { hostname, port } = new URL(url);
  const reachable = await new Promise<boolean>((resolve) => {
    const socket = new Socket();
    const settle = (result: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => setImmediate(() => settle(false)), connectTimeoutMs);
    socket.once("connect", () => settle(true));
    socket.once("error", () => settle(false));
    socket.connect(Number(port || 6379), hostname);
  });
  if (!reachable && process.env.CI === "true") throw new Error(`Redis is unreachable at ${url} and CI=true`);
  return reachable;
}
