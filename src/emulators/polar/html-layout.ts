import { brandedHtmlPage, type PageBrand } from "../shared/html-layout.js";

export { escapeHtml, formatMoney } from "../shared/html-layout.js";

const POLAR_BRAND: PageBrand = {
  provider: "Polar",
  textColor: "#111",
  buttonStyle: "margin-top: 1rem; padding: .6rem 1.2rem;",
};

/** A minimal Polar-branded page; `body` must already be escaped. */
export function htmlPage(title: string, body: string): string {
  return brandedHtmlPage(POLAR_BRAND, title, body);
}
