export type { CustomerStore } from "./customer-store.js";
export type { Customer } from "./customer-types.js";
export { type CustomerStores, Customers } from "./customers-service.js";
