/** Named limits: every list and string the ledger accepts is bounded. */
export const ledgerLimits = {
  transactionIdLengthMax: 200,
  entriesPerTransactionMax: 200,
  descriptionLengthMax: 500,
  metadataKeysMax: 50,
  metadataValueLengthMax: 500,
  accountKindPattern: /^[a-z][a-z0-9_]{0,63}$/,
  ownerIdLengthMax: 200,
  /** ISO 4217 codes (`USD`) and credit units (`CREDITS`, `AI_TOKENS`). */
  currencyPattern: /^[A-Z][A-Z0-9_]{2,31}$/,
} as const;
