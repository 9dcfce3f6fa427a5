import { afterEach, describe, expect, it, beforeEach } from "vitest";
import { cleanup, render, screen, fireEvent, waitFor } from "@testing-library/svelte";
import { waitLocale } from "svelte-i18n";
import { setupI18n } from "../i18n";
import DateInput from "./DateInput.svelte";

describe("date field", () => {
  afterEach(() => cleanup());
  beforeEach(async () => {
    localStorage.clear();
    setupI18n();
    await waitLocale();
  });

  it("accepts a typed dd/mm/yyyy date and flags one that is not a date", async () => {
    const props = $state({ value: null as string | null, id: "d", testid: "d" });
    render(DateInput, { props });
    const input = screen.getByTestId("d") as HTMLInputElement;
    await fireEvent.input(input, { target: { value: "5/3/2026" } });
    expect(props.value).toBe("2026-03-05");
    expect(screen.queryByRole("alert")).toBeNull();
    await fireEvent.input(input, { target: { value: "31/02/2026" } });
    expect(props.value).toBeNull();
    expect(screen.getByRole("alert").textContent).toContain("dd/mm/yyyy");
  });

  it("picks a day from the calendar and shows it as dd/mm/yyyy", async () => {
    const props = $state({ value: "2026-03-05" as string | null, id: "d", testid: "d" });
    render(DateInput, { props });
    await fireEvent.click(screen.getByTestId("d-calendar"));
    // The calendar opens on the month of the current value; pick the 17th.
    const day = await waitFor(() => {
      const found = [...document.querySelectorAll("[data-bits-day]")].find(
        (el) => el.textContent?.trim() === "17" && !el.hasAttribute("data-outside-month"),
      );
      if (!found) throw new Error("no day 17 in the calendar");
      return found as HTMLElement;
    });
    await fireEvent.click(day);
    expect(props.value).toBe("2026-03-17");
    expect((screen.getByTestId("d") as HTMLInputElement).value).toBe("17/03/2026");
  });
});
