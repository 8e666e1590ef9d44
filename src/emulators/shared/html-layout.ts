/** Escapes text for HTML bodies and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/** `1999, "usd"` → `19.99 USD`. */
export function formatMoney(amountMinor: number, currency: string): string {
  return `${(amountMinor / 100).toFixed(2)} ${currency.toUpperCase()}`;
}

/** What differs between the providers' hosted pages: the name and a few colours. */
export interface PageBrand {
  /** "Polar" or "Stripe": shown in the title and the test-mode banner. */
  provider: string;
  textColor: string;
  /** The declarations inside `button { … }`. */
  buttonStyle: string;
  /** Further CSS rules, one a line. */
  extraRules?: readonly string[];
}

/** A minimal page; `body` must already be escaped. */
export function brandedHtmlPage(brand: PageBrand, title: string, body: string): string {
  const extra = (brand.extraRules ?? []).map((rule) => `${rule}\n`).join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · ${brand.provider} emulator</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: ${brand.textColor}; }
.banner { background: #fef3c7; padding: .5rem .75rem; border-radius: .5rem; font-size: .9rem; }
.error { background: #fee2e2; padding: .5rem .75rem; border-radius: .5rem; }
label { display: block; margin: .75rem 0 .25rem; }
input { width: 100%; padding: .5rem; box-sizing: border-box; }
button { ${brand.buttonStyle} }
${extra}table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #ddd; }
</style>
</head>
<body>
<p class="banner">Billhook ${brand.provider} emulator: test mode, no real money moves.</p>
${body}
</body>
</html>`;
}
