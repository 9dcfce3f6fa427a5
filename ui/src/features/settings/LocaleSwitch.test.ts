import { describe, expect, it, beforeEach } from "vitest";
import { render, screen, fireEvent } from "@testing-library/svelte";
import { get } from "svelte/store";
import { locale, waitLocale } from "svelte-i18n";
import { setupI18n, storedLocale } from "../../i18n";
import LocaleSwitch from "./LocaleSwitch.svelte";

describe("language switch", () => {
  beforeEach(async () => {
    localStorage.clear();
    setupI18n();
    await waitLocale();
  });

  it("starts in Vietnamese, switches to English and remembers it", async () => {
    expect(storedLocale()).toBe("vi");
    render(LocaleSwitch);
    const en = screen.getByTestId("locale-en");
    expect(screen.getByTestId("locale-vi").getAttribute("aria-pressed")).toBe("true");
    await fireEvent.click(en);
    expect(get(locale)).toBe("en");
    expect(storedLocale()).toBe("en");
    expect(en.getAttribute("aria-pressed")).toBe("true");
  });
});
