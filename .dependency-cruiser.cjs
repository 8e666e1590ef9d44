/**
 * Dependency direction, checked by `npm run check` rather than by review:
 *   kernel ← modules ← storage ← engine ← http ← node (CLI, server, worker)
 * and nothing outside the Node entry points and database drivers imports `node:` built-ins, so the
 * engine and HTTP app can run on Cloudflare Workers.
 */
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "kernel-is-a-leaf",
      comment: "The kernel (errors, clock, crypto, ports) depends on nothing of ours.",
      severity: "error",
      from: { path: "^src/kernel/" },
      to: { path: "^src/(?!kernel/)" },
    },
    {
      name: "config-is-below-modules",
      comment:
        "Config (the schema of billhook.config.ts and the runtime settings) is read by modules, so it imports none of them.",
      severity: "error",
      from: { path: "^src/config/" },
      to: { path: "^src/(modules|storage|http|node|providers|emulators|engine|client|react)" },
    },
    {
      name: "modules-know-no-infrastructure",
      comment:
        "Domain modules see only the kernel and other modules' index: no storage, HTTP, providers or Node.",
      severity: "error",
      from: { path: "^src/modules/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/(storage|http|node|providers|emulators|engine)" },
    },
    {
      name: "modules-use-each-other-through-index",
      severity: "error",
      from: { path: "^src/modules/([^/]+)/" },
      to: { path: "^src/modules/(?!$1/)[^/]+/(?!index\\.ts$)" },
    },
    {
      name: "no-sql-outside-storage",
      comment: "Kysely and the drivers are storage's business.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/storage/", "^src/testing/", "\\.test\\.ts$"] },
      to: { path: "node_modules/(kysely|pg|better-sqlite3)/" },
    },
    {
      name: "http-is-runtime-agnostic",
      severity: "error",
      from: { path: "^src/(http|modules|kernel|config|engine)", pathNot: "\\.test\\.ts$" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "storage-core-is-runtime-agnostic",
      comment: "Only the driver files, the LISTEN/NOTIFY bus and open-storage.ts may use Node built-ins.",
      severity: "error",
      from: {
        path: "^src/storage/",
        pathNot: [
          "^src/storage/(sqlite-driver|postgres-driver|postgres-change-bus|open-storage)\\.ts$",
          "\\.test\\.ts$",
        ],
      },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "storage-imports-no-drivers-in-core",
      severity: "error",
      from: {
        path: "^src/storage/",
        pathNot: "^src/storage/(sqlite-driver|postgres-driver|postgres-change-bus|open-storage)\\.ts$",
      },
      to: { path: "node_modules/(pg|better-sqlite3)/" },
    },
    {
      name: "http-does-not-reach-into-storage",
      severity: "error",
      from: { path: "^src/http/", pathNot: "\\.test\\.ts$" },
      to: { path: "^src/storage/(?!index\\.ts$)" },
    },
    {
      name: "only-node-entry-points-use-the-cli-and-server",
      severity: "error",
      from: { path: "^src/(?!node/)", pathNot: ["\\.test\\.ts$", "^src/testing/"] },
      to: { path: "^src/node/" },
    },
    {
      name: "providers-speak-only-the-port",
      comment: "An adapter implements the provider port; it must not reach into other modules or the engine.",
      severity: "error",
      from: { path: "^src/providers/" },
      to: { path: "^src/(?!providers/|kernel/|modules/provider/)" },
    },
    {
      name: "provider-sdks-stay-in-their-adapter",
      comment: "No provider SDK type leaves its folder (emulator tests drive the SDKs too).",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/providers/", "^src/emulators/", "\\.test\\.ts$", "/testing/"] },
      to: { path: "node_modules/(@polar-sh/sdk|stripe)/" },
    },
    {
      name: "emulators-stand-alone",
      comment: "An emulator plays the provider: it must not lean on the engine it is used to test.",
      severity: "error",
      from: { path: "^src/emulators/" },
      to: { path: "^src/(?!emulators/|kernel/)" },
    },
    {
      name: "emulator-core-is-runtime-agnostic",
      comment: "Only the Node server, the CLI and test helpers of an emulator may use Node built-ins.",
      severity: "error",
      from: {
        path: "^src/emulators/",
        pathNot: ["-(server|cli)\\.ts$", "/testing/", "\\.test\\.ts$"],
      },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "dashboard-speaks-http-only",
      comment:
        "The admin dashboard runs in the browser and reaches the server over its HTTP API only; it may read the API's shapes off the client's contract (next rule).",
      severity: "error",
      from: { path: "^dashboard/", pathNot: "^dashboard/vite\\.config\\.ts$" },
      to: { path: "^(src|test|bench)/", pathNot: "^src/client/contract\\.ts$" },
    },
    {
      name: "dashboard-reads-the-contract-as-types-only",
      comment:
        "`import type` is erased from the bundle; any other import of the contract would load the server's route modules (zod, the engine) in the browser.",
      severity: "error",
      from: { path: "^dashboard/", pathNot: "^dashboard/vite\\.config\\.ts$" },
      to: { path: "^src/client/contract\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "dashboard-uses-no-node-built-ins",
      severity: "error",
      from: { path: "^dashboard/", pathNot: "^dashboard/vite\\.config\\.ts$" },
      to: { dependencyTypes: ["core"] },
    },
    {
      name: "production-code-does-not-import-tests",
      severity: "error",
      from: { path: "^src/", pathNot: ["\\.test\\.ts$", "/testing/"] },
      to: { path: ["\\.test\\.ts$", "/testing/"] },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default"],
    },
  },
};
