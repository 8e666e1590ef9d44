import pg from "pg";
import type {} from "vitest";
import type { TestProject } from "vitest/node";

/**
 * Decides once per run whether PostgreSQL takes part. Locally an unreachable server means the
 * PostgreSQL half of the storage suite is skipped (and counted as skipped); under CI it is a failure,
 * because a CI that silently skipped half the storage matrix would prove nothing.
 */
export default async function setup(project: TestProject): Promise<void> {
  const url = process.env.BILLHOOK_TEST_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const reachable = await canConnect(url);
  if (!reachable && process.env.CI === "true") {
    throw new Error(
      `PostgreSQL is unreachable at ${url} and CI=true: the storage suite must run on both databases.`,
    );
  }
  project.provide("postgresUrl", reachable ? url : null);
}

async function canConnect(url: string): Promise<boolean> {
  // Generous: a refused connection fails at once, and under CI an answer that is merely slow (a loaded
  // machine) must not count as "no PostgreSQL", which fails the whole run.
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 15_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

declare module "vitest" {
  export interface ProvidedContext {
    postgresUrl: string | null;
  }
}
