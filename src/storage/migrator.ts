import {
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResult,
  Migrator,
  sql,
} from "kysely";
import type { DialectName } from "./dialect.js";
import * as foundation from "./migrations/0001-foundation.js";
import * as billing from "./migrations/0002-billing.js";
import * as credits from "./migrations/0003-credits.js";
import * as usage from "./migrations/0004-usage.js";
import * as settings from "./migrations/0005-settings.js";
import * as usageSync from "./migrations/0006-usage-sync.js";
import * as outboundWebhooks from "./migrations/0007-outbound-webhooks.js";
import * as marketplace from "./migrations/0008-marketplace.js";
import * as customerTokens from "./migrations/0009-customer-tokens.js";
import * as dashboard from "./migrations/0010-dashboard.js";
import * as marketplaceDisputes from "./migrations/0011-marketplace-disputes.js";
import * as instanceLeases from "./migrations/0012-instance-leases.js";

/** Forward-only: there are no `down` migrations; a mistake is fixed by a new migration. */
const migrationModules: Record<string, { up(db: Kysely<unknown>, dialect: DialectName): Promise<void> }> = {
  "0001-foundation": foundation,
  "0002-billing": billing,
  "0003-credits": credits,
  "0004-usage": usage,
  "0005-settings": settings,
  "0008-marketplace": marketplace,
  "0009-customer-tokens": customerTokens,
  "0010-dashboard": dashboard,
  "0011-marketplace-disputes": marketplaceDisputes,
  "0012-instance-leases": instanceLeases,
  "0007-outbound-webhooks": outboundWebhooks,
  "0006-usage-sync": usageSync,
};

class StaticMigrationProvider implements MigrationProvider {
  readonly #dialect: DialectName;

  constructor(dialect: DialectName) {
    this.#dialect = dialect;
  }

  async getMigrations(): Promise<Record<string, Migration>> {
    return Object.fromEntries(
      Object.entries(migrationModules).map(([name, module]) => [
        name,
        { up: (db: Kysely<unknown>) => module.up(db, this.#dialect) },
      ]),
    );
  }
}

export interface MigrationReport {
  applied: string[];
  /** Names of every migration now in the database, oldest first. */
  current: string[];
}

export async function migrateToLatest(db: Kysely<unknown>, dialect: DialectName): Promise<MigrationReport> {
  // Kysely looks for its bookkeeping tables in every schema unless told which one: with several
  // Billhook schemas in one PostgreSQL database it would find another's and skip creating its own.
  const schema =
    dialect === "postgres"
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db,
    provider: new StaticMigrationProvider(dialect),
    ...(schema ? { migrationTableSchema: schema } : {}),
    migrationTableName: "billhook_migrations",
    migrationLockTableName: "billhook_migrations_lock",
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  const applied = (results ?? []).filter((result: MigrationResult) => result.status === "Success");
  const all = await migrator.getMigrations();
  return {
    applied: applied.map((result) => result.migrationName),
    current: all.filter((migration) => migration.executedAt).map((migration) => migration.name),
  };
}
