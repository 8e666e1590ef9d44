export {
  type BillhookConfigInput,
  billhookConfigSchema,
  type CatalogConfig,
  catalogSchema,
  defineConfig,
  type Environment,
  environmentSchema,
} from "./config-schema.js";
export { type ResolvedConfig, resolveConfig, type UsageSettings } from "./resolve-config.js";
