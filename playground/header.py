"""The page's header: the title and the language switch (English / 한국어).

The switch changes the language in place, without a reload (the running lab keeps its run): Gradio's own
translation store for component text, then an event (``gp-lang``) for our scripts; it writes ``?lang=`` into the
address, so a shared link opens in the same language, and the server reads it from there (playground/i18n.py).
"""
from __future__ import annotations

import json

import gradio as gr

from playground import host, i18n

SWITCH = ('<div class="gp-lang" role="group" aria-label="Language / 언어">'
          '<button type="button" data-lang="en" lang="en">English</button>'
          '<button type="button" data-lang="ko" lang="ko">한국어</button></div>')
CSS = (".gp-lang { display: flex; gap: 4px; justify-content: flex-end; } .gp-lang button { padding: 4px 12px; "
       "border: 1px solid #bbb; border-radius: 6px; background: white; font-size: 15px; cursor: pointer; "
       "white-space: nowrap; } @media (max-width: 520px) { .gp-lang button { padding: 3px 8px; font-size: 14px; } } "
       ".gp-lang button[aria-pressed=true] { background: #2c6e2f; border-color: #2c6e2f; color: white; }")
JS = """
const params = new URLSearchParams(window.location.search);
const asked = params.get("lang");
const browser = (navigator.language || "").toLowerCase().startsWith("ko") ? "ko" : "en";
async function gradioLocale(lang) {  // Gradio's translation store: the same module instance the page runs on
  const url = performance.getEntriesByType("resource").map((e) => e.name)
    .find((n) => /\\/assets\\/core-[^/]*\\.js$/.test(n));
  if (url) (await import(url)).changeLocale(lang);
}
function apply(lang, write, initial) {
  window.gpLang = lang;
  document.documentElement.lang = lang;
  document.title = __TITLES__[lang] || document.title;
  element.querySelectorAll("button").forEach((b) => b.setAttribute("aria-pressed", String(b.dataset.lang === lang)));
  if (!initial || asked) gradioLocale(lang).catch((e) => console.error("language switch", e));  // else: Gradio chose it
  if (write) {
    const p = new URLSearchParams(window.location.search);
    p.set("lang", lang);
    const q = p.toString();
    window.history.replaceState(null, "", window.location.pathname + "?" + q + window.location.hash);
    if (window.parent !== window)
      window.parent.postMessage({ queryString: q, hash: window.location.hash.replace(/^#/, "") }, __PARENT_ORIGIN__);
  }
  window.dispatchEvent(new CustomEvent("gp-lang", { detail: lang }));
}
if (!document.getElementById("gp-toast-titles")) {  // the toasts' titles in the page's language (toast_css)
  const style = document.createElement("style");
  style.id = "gp-toast-titles";
  style.textContent = __TOAST_CSS__;
  document.head.appendChild(style);
}
// Gradio's tab overflow button is named in English only (for screen readers): ours, in the page's language
const MORE = __MORE_TABS__;
const nameMore = () => document.querySelectorAll('button[aria-label="More tabs"], button[data-gp-more]')
  .forEach((b) => {
  b.dataset.gpMore = "1";
  const name = MORE[window.gpLang] || MORE.en;
  if (b.getAttribute("aria-label") !== name) b.setAttribute("aria-label", name);
});
// Gradio's client refuses an over-size upload in English, in words no translation reaches: said again in ours
const TOO_BIG = __TOO_BIG__;
const sayToasts = () => document.querySelectorAll(".toast-wrap .toast-message-text").forEach((e) => {
  const m = /^File\\(s\\) exceed the maximum allowed size of ([^:]+): (.+)$/.exec(e.textContent.trim());
  if (m && window.gpLang !== "en")
    e.textContent = (TOO_BIG[window.gpLang] || TOO_BIG.en).replace("{most}", m[1].replace(/ Mb$/, " MB"))
      .replace("{files}", m[2]);
});
new MutationObserver(() => { nameMore(); sayToasts(); }).observe(document.body, { childList: true, subtree: true });
window.addEventListener("gp-lang", nameMore);
element.querySelectorAll("button").forEach((b) => b.addEventListener("click", () => apply(b.dataset.lang, true)));
apply(asked === "ko" || asked === "en" ? asked : browser, false, true);
"""


def toast_css() -> str:
    """Gradio's toasts title themselves with their type's English name (the title we pass is not shown): the
    name is hidden and ours drawn in its place, in the language the switch put on <html lang>."""
    css = [".toast-title { font-size: 0 !important; }",
           ".toast-title::before, .toast-title .toast-count { font-size: var(--text-lg); }",
           ".toast-title .toast-count { margin-left: 0.3em; }"]
    for lang in i18n.LANGS:
        scope = "" if lang == "en" else f'html[lang="{lang}"] '
        for kind, key in (("error", "error"), ("warning", "warning"), ("info", "info"), ("success", "info")):
            title = json.dumps(i18n.t(f"msg.title.{key}", lang), ensure_ascii=False)
            css.append(f"{scope}.toast-title.{kind}::before {{ content: {title}; }}")
    return "\n".join(css)


# Page-wide (the switch's css_template is scoped to it): on a phone the title takes one line beside the switch
PAGE_CSS = ("@media (max-width: 520px) { #gp-title h1 { font-size: 1.2rem; white-space: nowrap; } "
            "#gp-lang { min-width: 0 !important; flex: 0 0 auto !important; } }")


def create() -> None:
    """The header row, inside the page's Blocks."""
    with gr.Row(equal_height=True):
        gr.Markdown(i18n.text("app.heading"), elem_id="gp-title")
        gr.HTML(SWITCH, elem_id="gp-lang", css_template=CSS, min_width=200,
                js_on_load=JS.replace("__PARENT_ORIGIN__", json.dumps(host.parent_origin()))
                .replace("__TOAST_CSS__", json.dumps(toast_css()))
                .replace("__TITLES__", json.dumps({lang: i18n.t("app.title", lang) for lang in i18n.LANGS}))
                .replace("__TOO_BIG__", json.dumps({lang: i18n.t("upload.too_big", lang) for lang in i18n.LANGS},
                                                   ensure_ascii=False))
                .replace("__MORE_TABS__", json.dumps({lang: i18n.t("app.more_tabs", lang) for lang in i18n.LANGS})))
