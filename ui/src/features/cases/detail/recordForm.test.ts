import { describe, expect, it, vi } from "vitest";
import { RecordForm } from "./recordForm.svelte";
import { toasts } from "../../../lib/toast.svelte";

describe("RecordForm", () => {
  it("opens with its defaults and closes with a toast once the core saved the record", async () => {
    const form = new RecordForm();
    const prepare = vi.fn();
    form.toggle(prepare);
    expect(form.open).toBe(true);
    expect(prepare).toHaveBeenCalledOnce();
    const changed = vi.fn();
    await form.save(() => Promise.resolve(), "Đã ghi kết luận", changed);
    expect(form.open).toBe(false);
    expect(form.working).toBe(false);
    expect(changed).toHaveBeenCalledOnce();
    expect(toasts.list.map((t) => t.text)).toContain("Đã ghi kết luận");
  });

  it("stays open with the core's refusal and reloads nothing", async () => {
    const form = new RecordForm();
    form.toggle();
    const changed = vi.fn();
    const refusal = { code: "invalid", detail: "invalid discipline form: the limitation period has run out", field: "discipline form" };
    await form.save(() => Promise.reject(refusal), "Đã ghi quyết định", changed);
    expect(form.open).toBe(true);
    expect(form.error?.code).toBe("invalid");
    expect(form.error?.detail).toContain("limitation period");
    expect(changed).not.toHaveBeenCalled();
    // Closing and opening again clears the refusal.
    form.toggle();
    form.toggle();
    expect(form.error).toBeNull();
  });
});
