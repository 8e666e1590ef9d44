/**
 * `billhook/react`: drop-in widgets over a customer token. Wrap them in a `BillhookProvider`.
 *
 * @example
 * import { BillhookProvider, BuyCredits, SellerPayouts, UsageMeter } from "billhook/react";
 */
export {
  type BillhookContextValue,
  BillhookProvider,
  type BillhookProviderProps,
  type ConnectionStatus,
  type CustomerToken,
  useBillhook,
  useBillhookEvents,
} from "./billhook-provider.js";
export {
  BuyCredits,
  type BuyCreditsProps,
  CreditBalance,
  type CreditBalanceProps,
} from "./credit-widgets.js";
export type { StreamEvent } from "./event-stream.js";
export { PurchaseModal, type PurchaseModalProps, type PurchaseState } from "./purchase-modal.js";
export { formatFeeBps, SellerPayouts, type SellerPayoutsProps } from "./seller-payouts.js";
export { BillhookStyles, billhookStyles } from "./styles.js";
export { MeterBar, type MeterStatus, UsageMeter, type UsageMeterProps } from "./usage-meter.js";
