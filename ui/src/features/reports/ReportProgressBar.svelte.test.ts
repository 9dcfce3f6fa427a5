import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { cleanup, render, screen } from "@testing-library/svelte";
import { waitLocale } from "svelte-i18n";
import { setupI18n } from "../../i18n";
import ReportProgressBar from "./ReportProgressBar.svelte";

describe("report progress", () => {
  afterEach(() => cleanup());
  beforeEach(async () => {
    localStorage.clear();
    setupI18n();
    await waitLocale();
  });

  it("shows how many cases of how many are read, numbers with dots", () => {
    render(ReportProgressBar, { props: { done: 1200, total: 20000 } });
    const bar = screen.getByRole("progressbar") as HTMLProgressElement;
    expect(bar.max).toBe(20000);
    expect(bar.value).toBe(1200);
    expect(screen.getByTestId("report-progress").textContent).toContain("Đã đọc 1.200/20.000 vụ việc");
  });

  it("shows a bar without figures before the count of cases is known", () => {
    render(ReportProgressBar, { props: { done: 0, total: 0 } });
    expect(screen.getByRole("progressbar").hasAttribute("value")).toBe(false);
    expect(screen.getByTestId("report-progress").textContent).not.toContain("Đã đọc");
  });
});
