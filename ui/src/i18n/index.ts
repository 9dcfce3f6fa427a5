// The UI's languages: Vietnamese first (the default), English second. The choice persists.
import { addMessages, init, locale } from "svelte-i18n";
import vi from "./vi.json";
import en from "./en.json";

export const LOCALES = ["vi", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = "vi";
const STORAGE_KEY = "hoso.locale";

addMessages("vi", vi);
addMessages("en", en);

function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

export function storedLocale(): Locale {
  const saved = globalThis.localStorage?.getItem(STORAGE_KEY);
  return isLocale(saved) ? saved : DEFAULT_LOCALE;
}

export function setupI18n(): void {
  init({ fallbackLocale: DEFAULT_LOCALE, initialLocale: storedLocale() });
}

export function switchLocale(next: Locale): void {
  globalThis.localStorage?.setItem(STORAGE_KEY, next);
  locale.set(next);
}
