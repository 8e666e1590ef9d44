import { escapeHtml } from "../polar/html-layout.js";

export { escapeHtml, formatMoney } from "../polar/html-layout.js";

/** A minimal page; `body` must already be escaped. */
export function htmlPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Stripe emulator</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 2rem auto; padding: 0 1rem; color: #1a1f36; }
.banner { background: #fef3c7; padding: .5rem .75rem; border-radius: .5rem; font-size: .9rem; }
.error { background: #fee2e2; padding: .5rem .75rem; border-radius: .5rem; }
label { display: block; margin: .75rem 0 .25rem; }
input { width: 100%; padding: .5rem; box-sizing: border-box; }
button { margin-top: 1rem; padding: .6rem 1.2rem; background: #635bff; color: white; border: 0; border-radius: .4rem; }
button.secondary { background: #e3e8ee; color: #1a1f36; }
table { width: 100%; border-collapse: collapse; } td, th { text-align: left; padding: .3rem; border-bottom: 1px solid #ddd; }
</style>
</head>
<body>
<p class="banner">Billhook Stripe emulator: test mode, no real money moves.</p>
${body}
</body>
</html>`;
}

export const TEST_CARD_HINT = `<p><small>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined;
4000 0000 0000 9995 has insufficient funds; 4000 0025 0000 3155 asks for authentication.</small></p>`;
