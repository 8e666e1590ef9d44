import { brandedHtmlPage, type PageBrand } from "../shared/html-layout.js";

export { escapeHtml, formatMoney } from "../shared/html-layout.js";

const STRIPE_BRAND: PageBrand = {
  provider: "Stripe",
  textColor: "#1a1f36",
  buttonStyle:
    "margin-top: 1rem; padding: .6rem 1.2rem; background: #635bff; color: white; border: 0; border-radius: .4rem;",
  extraRules: ["button.secondary { background: #e3e8ee; color: #1a1f36; }"],
};

/** A minimal Stripe-branded page; `body` must already be escaped. */
export function htmlPage(title: string, body: string): string {
  return brandedHtmlPage(STRIPE_BRAND, title, body);
}

export const TEST_CARD_HINT = `<p><small>Test cards: 4242 4242 4242 4242 pays; 4000 0000 0000 0002 is declined;
4000 0000 0000 9995 has insufficient funds; 4000 0025 0000 3155 asks for authentication;
4000 0000 0000 0259 pays, then is disputed.</small></p>`;
