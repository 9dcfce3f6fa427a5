import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { waitLocale } from "svelte-i18n";
import { setupI18n } from "../../i18n";
import type { LockOverview as Overview } from "../../lib/ipc/bindings";

const reportLockOverview = vi.fn();
vi.mock("../../lib/ipc/client", () => ({
  commands: { reportLockOverview: (...a: unknown[]) => reportLockOverview(...a) },
  unwrap: async (p: Promise<{ status: string; data?: unknown; error?: unknown }>) => {
    const r = await p;
    if (r.status === "error") throw r.error;
    return r.data;
  },
}));

import LockOverview from "./LockOverview.svelte";

const overview: Overview = {
  form: "KTDHVP-DV",
  form_title: "Kiểm tra khi có dấu hiệu vi phạm",
  period: { code: "2026-9m", label: "9 tháng đầu năm 2026", start: "2026-01-01", end: "2026-09-30" },
  central: true,
  locked: 1,
  offices: [
    {
      office: "*", name: "Toàn lực lượng (tổng hợp các đơn vị)", locked: false, locked_at: null,
      locked_by: null, digest: null, digest_ok: false, version: 0, reason: null, total: null, synced: false,
    },
    {
      office: "HN", name: "Ủy ban Kiểm tra Đảng ủy Công an Hà Nội", locked: true,
      locked_at: "2026-10-05T08:30:00Z", locked_by: "lanhdao", digest: "0123456789abcdef".repeat(4),
      digest_ok: true, version: 2, reason: "Bổ sung vụ việc", total: 12, synced: true,
    },
    {
      office: "HP", name: "Ủy ban Kiểm tra Đảng ủy Công an Hải Phòng", locked: false, locked_at: null,
      locked_by: null, digest: null, digest_ok: false, version: 0, reason: null, total: null, synced: false,
    },
  ],
};

describe("lock overview panel", () => {
  afterEach(() => {
    cleanup();
    reportLockOverview.mockReset();
  });
  beforeEach(async () => {
    localStorage.clear();
    setupI18n();
    await waitLocale();
  });

  it("lists which offices locked the period, in Vietnamese, and filters them", async () => {
    reportLockOverview.mockResolvedValue({ status: "ok", data: overview });
    render(LockOverview, { props: { form: "KTDHVP-DV", period: "2026-9m", open: true } });
    await waitFor(() => expect(screen.getAllByTestId("lock-overview-row")).toHaveLength(3));
    expect(reportLockOverview).toHaveBeenCalledWith("KTDHVP-DV", "2026-9m");
    expect(screen.getByTestId("lock-overview-count").textContent).toContain("1/2 đơn vị đã chốt");
    const hn = screen.getAllByTestId("lock-overview-row")[1];
    expect(hn.dataset.office).toBe("HN");
    expect(hn.textContent).toContain("Đã chốt lại");
    expect(hn.textContent).toContain("Chốt lại 1 lần: Bổ sung vụ việc");
    expect(hn.textContent).toContain("lanhdao");
    expect(hn.textContent).toContain("0123456789abcdef");
    expect(hn.textContent).toContain("12");
    await fireEvent.change(screen.getByTestId("lock-overview-filter"), { target: { value: "not-locked" } });
    await waitFor(() =>
      expect(screen.getAllByTestId("lock-overview-row").map((r) => r.dataset.office)).toEqual(["*", "HP"]),
    );
  });

  it("shows loading, then an error from the core", async () => {
    let fail: (v: unknown) => void = () => {};
    reportLockOverview.mockReturnValue(new Promise((resolve) => (fail = resolve)));
    render(LockOverview, { props: { form: "KTDHVP-DV", period: "2026-9m", open: true } });
    await waitFor(() => expect(screen.getByTestId("lock-overview-loading")).toBeTruthy());
    fail({ status: "error", error: { code: "permission-denied", detail: "report.read" } });
    await waitFor(() => expect(screen.getByTestId("lock-overview-error")).toBeTruthy());
    expect(screen.queryByTestId("lock-overview-row")).toBeNull();
  });

  it("says when no office is in scope", async () => {
    reportLockOverview.mockResolvedValue({ status: "ok", data: { ...overview, offices: [], locked: 0 } });
    render(LockOverview, { props: { form: "KTDHVP-DV", period: "2026-9m", open: true } });
    await waitFor(() => expect(screen.getByTestId("lock-overview-empty")).toBeTruthy());
  });
});
