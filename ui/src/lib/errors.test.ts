import { describe, expect, it } from "vitest";
import { errorMessageKey, toIpcError } from "./errors";

describe("IPC errors", () => {
  const known = (k: string) => ["errors.invalid", "errors.unknown"].includes(k);

  it("maps a known code to its message and an unknown one to the generic message", () => {
    expect(errorMessageKey("invalid", known)).toBe("errors.invalid");
    expect(errorMessageKey("brand-new-code", known)).toBe("errors.unknown");
  });

  it("keeps IPC errors and wraps anything else as internal", () => {
    expect(toIpcError({ code: "not-found", detail: "case not found: X" })).toEqual({
      code: "not-found",
      detail: "case not found: X",
    });
    expect(toIpcError(new Error("boom"))).toEqual({ code: "internal", detail: "boom" });
    expect(toIpcError("oops")).toEqual({ code: "internal", detail: "oops" });
  });
});
