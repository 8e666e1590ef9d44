/**
 * A self-contained API reference page rendered from the OpenAPI document: no CDN, so it works
 * offline and on a locked-down network.
 */
interface Operation {
  summary?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, { description?: string }>;
}

/** "public", "API key (admin)", or "API key (server) or customer token". */
function accessOf(security: unknown[] | undefined): string {
  if (security?.length === 0) return "public";
  const requirements = (security ?? []) as Array<Record<string, string[]>>;
  return requirements
    .map((requirement) =>
      Object.entries(requirement)
        .map(([scheme, roles]) => {
          const name = scheme === "customerToken" ? "customer token" : "API key";
          return roles.length > 0 ? `${name} (${roles.join(", ")})` : name;
        })
        .join(" and "),
    )
    .join(" or ");
}

export function renderApiReference(document: {
  info: { title: string; version: string };
  paths?: Record<string, Record<string, Operation> | undefined>;
  components?: unknown;
}): string {
  const rows: string[] = [];
  for (const [path, operations] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(operations ?? {})) {
      const access = accessOf(operation.security);
      const responses = Object.entries(operation.responses ?? {})
        .map(
          ([status, response]) => `<li><code>${status}</code> ${escapeHtml(response.description ?? "")}</li>`,
        )
        .join("");
      const body = operation.requestBody?.content?.["application/json"]?.schema;
      rows.push(`<section data-operation="${method} ${escapeHtml(path)}">
  <h3><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code></h3>
  <p>${escapeHtml(operation.summary ?? "")} <em>(${access}${operation.tags ? ` · ${escapeHtml(operation.tags.join(", "))}` : ""})</em></p>
  ${body ? `<details><summary>Request body</summary><pre>${escapeHtml(JSON.stringify(body, null, 2))}</pre></details>` : ""}
  <ul>${responses}</ul>
</section>`);
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(document.info.title)} API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1d2433}
section{border-top:1px solid #e3e6ec;padding:.5rem 0}h3{margin:.3rem 0;font-size:1rem}
.method{display:inline-block;min-width:4rem;font-weight:700}.get{color:#1a7f37}.post{color:#8250df}
.delete{color:#cf222e}.patch,.put{color:#9a6700}pre{background:#f6f8fa;padding:.5rem;overflow:auto}
</style></head><body>
<h1>${escapeHtml(document.info.title)} <small>${escapeHtml(document.info.version)}</small></h1>
<p>Authenticate with <code>Authorization: Bearer bh_sk_…</code>. Errors are RFC 9457
<code>application/problem+json</code> with a stable <code>code</code>. Writes accept an
<code>Idempotency-Key</code> header. Machine-readable spec: <a href="/openapi.json">/openapi.json</a>.</p>
${rows.join("\n")}
<details><summary>Schemas</summary><pre>${escapeHtml(JSON.stringify(document.components ?? {}, null, 2))}</pre></details>
</body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
