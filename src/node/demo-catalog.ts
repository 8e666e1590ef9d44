import type { BillhookConfigInput } from "../config/index.js";

/** What `billhook dev` sells when the working directory has no billhook.config.ts. */
export const demoConfig: BillhookConfigInput = {
  catalog: {
    features: {
      export: { name: "Export to CSV" },
      priority_support: { name: "Priority support" },
    },
    plans: {
      pro: {
        name: "Pro",
        description: "Everything, billed monthly.",
        price: { amountMinor: 1200, currency: "USD" },
        interval: "month",
        features: ["export", "priority_support"],
      },
    },
    products: {
      export_unlock: {
        name: "Export unlock",
        description: "Export forever, paid once.",
        price: { amountMinor: 4900, currency: "USD" },
        features: ["export"],
      },
    },
    tips: {
      tip: { name: "Tip jar", currency: "USD", minimumMinor: 100, maximumMinor: 10_000, presetMinor: 500 },
    },
  },
};
