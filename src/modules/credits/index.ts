export { type AllowanceSubscription, addMonths, allowanceMonth } from "./allowance-credits.js";
export { creditAccount, creditAccountKinds, creditCurrency } from "./credit-accounts.js";
export { CreditBook, type CreditStores, creditTransactionId, type GrantInput } from "./credit-book.js";
export { creditLimits } from "./credit-limits.js";
export type * from "./credit-store.js";
export type * from "./credit-types.js";
export {
  Credits,
  type CreditsOptions,
  type GrantRequest,
  type HoldInput,
  type SpendInput,
} from "./credits-service.js";
export { allocate, splitAllocations } from "./grant-allocation.js";
export { type OrderCreditsInput, packCredits } from "./order-credits.js";
