import type { BillhookConfigInput } from "../config/index.js";

/** What `billhook dev` sells when the working directory has no billhook.config.ts. */
export const demoConfig: BillhookConfigInput = {
  catalog: {
    features: {
      export: { name: "Export to CSV" },
      priority_support: { name: "Priority support" },
      generate: { name: "Image generation", type: "credits", creditType: "images" },
      api: { name: "API access", type: "metered", meter: "api_calls" },
    },
    credits: { images: { unit: "image" } },
    meters: { api_calls: { name: "API calls", event: "api.request" } },
    creditPacks: {
      images_100: {
        name: "100 images",
        description: "100 image generations.",
        creditType: "images",
        price: { amountMinor: 500, currency: "USD" },
        amount: 100,
      },
      images_500: {
        name: "500 images",
        description: "500 image generations, a fifth off.",
        creditType: "images",
        price: { amountMinor: 2000, currency: "USD" },
        amount: 500,
      },
    },
    plans: {
      pro: {
        name: "Pro",
        description: "Everything, billed monthly.",
        price: { amountMinor: 1200, currency: "USD" },
        interval: "month",
        features: ["export", "priority_support", "api"],
        limits: { api_calls: { limit: 20, overage: "block" } },
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
