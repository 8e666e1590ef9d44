export {
  type BillhookConfigInput,
  billhookConfigSchema,
  type CatalogConfig,
  catalogSchema,
  defineConfig,
  type Environment,
  environmentSchema,
} from "./config-schema.js";
export {
  type MarketplaceConfig,
  type OutboundWebhookSettings,
  type ResolvedConfig,
  resolveConfig,
  type UsageSettings,
  type UsageSyncSettings,
} from "./resolve-config.js";
export {
  type RuntimeSettings,
  runtimeSettingsSchema,
  type SettingKey,
  settingKeys,
} from "./runtime-settings-schema.js";
