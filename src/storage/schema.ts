import type { Generated } from "kysely";

/** Row types of every table, as Kysely sees them. Times are epoch milliseconds in int8 columns. */
export interface Schema {
  ledger_accounts: LedgerAccountsTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_balances: LedgerBalancesTable;
  api_keys: ApiKeysTable;
  idempotency_keys: IdempotencyKeysTable;
}

export interface LedgerAccountsTable {
  id: string;
  kind: string;
  owner_id: string;
  currency: string;
  created_at_ms: number;
}

export interface LedgerTransactionsTable {
  id: string;
  description: string;
  metadata_json: string;
  content_hash: string;
  posted_at_ms: number;
}

export interface LedgerEntriesTable {
  sequence: Generated<number>;
  transaction_id: string;
  account_id: string;
  currency: string;
  amount_minor: number;
  posted_at_ms: number;
}

export interface LedgerBalancesTable {
  account_id: string;
  currency: string;
  balance_minor: number;
  entry_count: number;
  updated_at_ms: number;
}

export interface ApiKeysTable {
  id: string;
  prefix: string;
  secret_hash: string;
  scope: string;
  name: string;
  created_at_ms: number;
  revoked_at_ms: number | null;
}

export interface IdempotencyKeysTable {
  principal_id: string;
  idempotency_key: string;
  request_hash: string;
  state: string;
  response_status: number | null;
  response_headers_json: string | null;
  response_body: string | null;
  locked_until_ms: number;
  created_at_ms: number;
  expires_at_ms: number;
}
