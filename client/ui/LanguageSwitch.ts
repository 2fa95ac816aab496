import { HTML_LANG, lang, LANGS, onLangChange, setLang, t, TABLES } from "../i18n/index.ts";

/**
 * The language switch, beside the name field: 中文 | EN, the language shown pressed. Each
 * button names its language in that language (so a player who cannot read the other one still
 * finds their own); the choice is remembered (i18n setLang) and every part of the page says
 * its words again at once.
 */
export class LanguageSwitch {
  readonly element: HTMLDivElement;
  private readonly buttons: HTMLButtonElement[] = [];

  constructor(parent: HTMLElement) {
    this.element = document.createElement("div");
    this.element.className = "lang-switch";
    this.element.setAttribute("role", "group");
    // Chinese first: the switch is where a Chinese reader looks for 中文.
    for (const l of [...LANGS].reverse()) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "lang-option";
      button.dataset.lang = l;
      button.lang = HTML_LANG[l];
      button.textContent = TABLES[l].languageShort;
      button.title = TABLES[l].languageName;
      button.setAttribute("aria-label", TABLES[l].languageName);
      button.addEventListener("click", (e) => {
        setLang(l);
        if (e.detail > 0) button.blur();
      });
      this.buttons.push(button);
      this.element.appendChild(button);
    }
    parent.appendChild(this.element);
    this.render();
    onLangChange(() => this.render());
  }

  private render(): void {
    this.element.setAttribute("aria-label", t().languageSwitch);
    for (const button of this.buttons) button.setAttribute("aria-pressed", String(button.dataset.lang === lang()));
  }
}
