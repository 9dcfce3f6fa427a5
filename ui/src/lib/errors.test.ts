import { describe, expect, it } from "vitest";
import {
  NEW_CASE_FIELD_ALIASES,
  coreReason,
  errorFieldOf,
  errorMessageKey,
  showsReason,
  toIpcError,
} from "./errors";

describe("error codes", () => {
  it("maps known codes to their key and unknown ones to a generic message", () => {
    const known = (k: string) => k === "errors.invalid";
    expect(errorMessageKey("invalid", known)).toBe("errors.invalid");
    expect(errorMessageKey("something-new", known)).toBe("errors.unknown");
  });

  it("wraps anything thrown as an IpcError", () => {
    expect(toIpcError({ code: "locked", detail: "x" })).toEqual({ code: "locked", detail: "x", field: null });
    expect(toIpcError(new Error("boom"))).toEqual({ code: "internal", detail: "boom", field: null });
    expect(toIpcError("boom").code).toBe("internal");
  });

  it("puts the core's field errors next to the form's fields", () => {
    const title = { code: "invalid" as const, detail: "invalid title: must not be empty", field: "title" };
    expect(errorFieldOf(title, NEW_CASE_FIELD_ALIASES)).toBe("title");
    expect(coreReason(title)).toBe("must not be empty");
    const office = { code: "not-found" as const, detail: "office not found: XX", field: "office" };
    expect(errorFieldOf(office, NEW_CASE_FIELD_ALIASES)).toBe("lead");
    const locked = { code: "locked" as const, detail: "the register is locked", field: null };
    expect(errorFieldOf(locked)).toBeNull();
    expect(showsReason(locked)).toBe(false);
    expect(showsReason(title)).toBe(true);
  });
});
