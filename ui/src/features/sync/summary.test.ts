import { describe, expect, it } from "vitest";
import type { BundleHeader, ChosenBundle, ImportReport, PeerStatus } from "../../lib/ipc/bindings";
import {
  clockWarnings,
  fileStatus,
  localDay,
  needsTrustRoot,
  nothingToImport,
  previewLines,
  toImport,
  typedFingerprint,
} from "./summary";

const report: ImportReport = {
  outcome: "preview",
  bundle_id: "b1",
  sender: "TW",
  sequence: 3,
  created: "2026-11-27T08:00:00Z",
  new_operations: 12,
  known_operations: 4,
  cases_new: 1,
  cases_updated: 2,
  plans_new: 0,
  plans_updated: 1,
  subjects_new: 3,
  subjects_updated: 0,
  documents_new: 5,
  conflicts: ["case:c1/title", "case:c2/deadline"],
  text_normalised: 0,
  roster_updated: false,
  trust_root_set: false,
  clock_ahead: [],
  without_effect: 0,
};

describe("import preview", () => {
  it("lists cases, plans, subjects, documents, conflicts and operations with their counts", () => {
    expect(previewLines(report)).toEqual([
      { key: "cases", values: { added: 1, updated: 2 } },
      { key: "plans", values: { added: 0, updated: 1 } },
      { key: "subjects", values: { added: 3, updated: 0 } },
      { key: "documents", values: { added: 5 } },
      { key: "conflicts", values: { count: 2 } },
      { key: "operations", values: { added: 12, known: 4 } },
    ]);
  });

  it("adds the changes kept without effect when there are any", () => {
    const lines = previewLines({ ...report, without_effect: 3 });
    expect(lines[lines.length - 1]).toEqual({ key: "withoutEffect", values: { count: 3 } });
  });

  it("shows no counts for a bundle already imported or superseded", () => {
    for (const outcome of ["already-imported", "superseded"] as const) {
      expect(nothingToImport(outcome)).toBe(true);
      expect(previewLines({ ...report, outcome })).toEqual([]);
    }
    expect(nothingToImport("preview")).toBe(false);
  });
});

function chosen(handle: string, header: Partial<BundleHeader> | null, unreadable = false): ChosenBundle {
  return {
    file: { handle, name: `${handle}.hoso`, shown: `/media/usb/${handle}.hoso` },
    header: header && {
      file_name: `${handle}.hoso`,
      bundle_id: handle,
      sender: "TW",
      sequence: 1,
      created: "2026-11-27T08:00:00Z",
      recipients: ["HN"],
      already_imported: false,
      older: false,
      problem: null,
      ...header,
    },
    unreadable: unreadable ? { code: "bundle-malformed", detail: "not a tar" } : null,
  };
}

describe("chosen bundle files", () => {
  it("tells ready, imported before, older, refused, set-up and just imported apart", () => {
    expect(fileStatus(chosen("a", {}), false)).toBe("ready");
    expect(fileStatus(chosen("a", {}), true)).toBe("imported");
    expect(fileStatus(chosen("b", { already_imported: true }), false)).toBe("already");
    expect(fileStatus(chosen("c", { older: true }), false)).toBe("older");
    expect(
      fileStatus(chosen("d", { problem: { code: "bundle-not-for-us", detail: "for HP" } }), false),
    ).toBe("refused");
    expect(
      fileStatus(chosen("e", { problem: { code: "trust-root-missing", detail: "" } }), false),
    ).toBe("setup");
    expect(fileStatus(chosen("f", null, true), false)).toBe("refused");
  });

  it("leaves out what was imported, refused or needs the fingerprint, keeping the order", () => {
    const files = [
      chosen("a", {}),
      chosen("b", { already_imported: true }),
      chosen("c", { older: true }),
      chosen("d", { problem: { code: "bundle-expired", detail: "" } }),
      chosen("e", { sequence: 2 }),
    ];
    expect(toImport(files, new Set(["e"])).map((f) => f.file.handle)).toEqual(["a", "c"]);
  });
});

describe("bundle dates", () => {
  it("shows a timestamp as the local day, dd/mm/yyyy", () => {
    // Noon UTC is the same calendar day in every time zone from UTC-11 to UTC+11.
    expect(localDay("2026-11-27T12:00:00Z")).toBe("27/11/2026");
    const late = new Date(2026, 10, 27, 23, 30);
    expect(localDay(late.toISOString())).toBe("27/11/2026");
  });
});

describe("set-up bundle", () => {
  it("asks for the root fingerprint only when the register trusts no central office yet", () => {
    expect(needsTrustRoot({ code: "trust-root-missing", detail: "", field: null })).toBe(true);
    // A wrong fingerprint is the core's error to show, not a reason to ask again silently.
    expect(needsTrustRoot({ code: "trust-unknown-signer", detail: "", field: null })).toBe(false);
    expect(needsTrustRoot(null)).toBe(false);
  });

  it("passes the fingerprint as typed, trimmed, and none when the field is blank", () => {
    expect(typedFingerprint("  12345 67890-12345 67890 12345 \n")).toBe("12345 67890-12345 67890 12345");
    expect(typedFingerprint("   ")).toBeNull();
    expect(typedFingerprint("")).toBeNull();
  });
});

describe("clock warnings", () => {
  const peer = (office: string, clock_ahead: PeerStatus["clock_ahead"]): PeerStatus => ({
    office,
    office_name: null,
    period_days: 7,
    last_sent: null,
    last_received: null,
    waiting_operations: 0,
    denouncers_to_hand_over: 0,
    overdue: false,
    clock_ahead,
  });

  it("names each far-ahead office, and the office that brought its changes when relayed", () => {
    const at = "2031-01-01T00:00:00Z";
    expect(
      clockWarnings([
        peer("TW", [
          { office: "QB", furthest: at },
          { office: "TW", furthest: at },
        ]),
        peer("HN", []),
        peer("HP", [{ office: "HP", furthest: at }]),
      ]),
    ).toEqual([
      { office: "QB", furthest: at, via: "TW" },
      { office: "TW", furthest: at, via: null },
      { office: "HP", furthest: at, via: null },
    ]);
  });

  it("is empty when every clock is right", () => {
    expect(clockWarnings([peer("TW", [])])).toEqual([]);
  });
});
