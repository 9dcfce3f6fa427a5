import { describe, expect, it } from "vitest";
import { guardComposition, isComposing } from "./compose";

function form() {
  const f = document.createElement("form");
  const input = document.createElement("input");
  f.appendChild(input);
  document.body.appendChild(f);
  guardComposition(f);
  return { f, input };
}

function enter(target: HTMLElement, init: KeyboardEventInit = {}) {
  const e = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true, ...init });
  target.dispatchEvent(e);
  return e;
}

describe("forms and Vietnamese input methods", () => {
  it("is composing between compositionstart and compositionend in any field", () => {
    const { f, input } = form();
    expect(isComposing(f)).toBe(false);
    input.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true }));
    expect(isComposing(f)).toBe(true);
    input.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true }));
    expect(isComposing(f)).toBe(false);
  });

  it("swallows the Enter that commits a syllable, not a plain Enter", () => {
    const { f, input } = form();
    input.dispatchEvent(new CompositionEvent("compositionstart", { bubbles: true }));
    expect(enter(input).defaultPrevented).toBe(true);
    input.dispatchEvent(new CompositionEvent("compositionend", { bubbles: true }));
    expect(enter(input, { isComposing: true }).defaultPrevented).toBe(true);
    expect(enter(input).defaultPrevented).toBe(false);
    expect(isComposing(f)).toBe(false);
  });
});
