export { type CheckoutInput, type CheckoutStores, Checkouts } from "./checkout-service.js";
export { type CheckoutRecord, type CheckoutStore, statusesReplacedBy } from "./checkout-store.js";
