import { describe, expect, it } from "vitest";
import type { LockOverview, OfficeLock } from "../../lib/ipc/bindings";
import { changedCells, lockCounts, lockState, lockedAtText, shortDigest, visibleRows } from "./locks";

function row(office: string, locked: boolean, extra: Partial<OfficeLock> = {}): OfficeLock {
  return {
    office,
    name: `Ủy ban Kiểm tra ${office}`,
    locked,
    locked_at: locked ? "2026-10-05T08:30:00Z" : null,
    locked_by: locked ? "lanhdao" : null,
    digest: locked ? "a".repeat(64) : null,
    digest_ok: locked,
    version: locked ? 1 : 0,
    reason: null,
    total: locked ? 3 : null,
    synced: locked,
    ...extra,
  };
}

const overview: LockOverview = {
  form: "KTDHVP-DV",
  form_title: "Kiểm tra khi có dấu hiệu vi phạm",
  period: { code: "2026-9m", label: "9 tháng đầu năm 2026", start: "2026-01-01", end: "2026-09-30" },
  central: true,
  offices: [row("*", true), row("HN", true), row("HP", false), row("TW", false)],
  locked: 2,
};

describe("lock overview", () => {
  it("counts offices, not the roll-up", () => {
    expect(lockCounts(overview)).toEqual({ locked: 1, total: 3 });
  });

  it("filters rows by whether they locked, keeping the order", () => {
    expect(visibleRows(overview, "all").map((r) => r.office)).toEqual(["*", "HN", "HP", "TW"]);
    expect(visibleRows(overview, "locked").map((r) => r.office)).toEqual(["*", "HN"]);
    expect(visibleRows(overview, "not-locked").map((r) => r.office)).toEqual(["HP", "TW"]);
  });

  it("says what state a lock is in", () => {
    expect(lockState(row("HP", false))).toBe("not-locked");
    expect(lockState(row("HN", true))).toBe("locked");
    expect(lockState(row("HN", true, { version: 2, reason: "Bổ sung" }))).toBe("renewed");
    expect(lockState(row("HN", true, { synced: false, digest: null, digest_ok: false }))).toBe("local");
    expect(lockState(row("HN", true, { digest_ok: false }))).toBe("mismatch");
  });

  it("shows the digest as printed and the time as dd/mm/yyyy hh:mm", () => {
    expect(shortDigest("0123456789abcdef0123")).toBe("0123456789abcdef");
    expect(shortDigest(null)).toBe("");
    expect(lockedAtText("2026-10-05T08:30:00Z")).toMatch(/^05\/10\/2026 \d\d:30$/);
    expect(lockedAtText("không phải ngày")).toBe("không phải ngày");
    expect(lockedAtText(null)).toBe("");
  });

  it("keys the cells that changed since the lock", () => {
    expect(changedCells(null).size).toBe(0);
    const keys = changedCells({ changed_cells: [{ row: 3, col: 0 }, { row: 5, col: 2 }] });
    expect(keys.has("3:0") && keys.has("5:2") && !keys.has("0:3")).toBe(true);
  });
});
