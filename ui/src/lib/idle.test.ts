import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { watchIdle } from "./idle";

describe("idle auto-lock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("locks once after the idle time, and activity postpones it", () => {
    const target = new EventTarget();
    let t = 0;
    const onIdle = vi.fn();
    const w = watchIdle(target, 5000, onIdle, () => t, 1000);
    t = 4000;
    vi.advanceTimersByTime(4000);
    expect(onIdle).not.toHaveBeenCalled();
    target.dispatchEvent(new Event("keydown"));
    t = 8000;
    vi.advanceTimersByTime(4000);
    expect(onIdle).not.toHaveBeenCalled();
    t = 9500;
    vi.advanceTimersByTime(1500);
    expect(onIdle).toHaveBeenCalledTimes(1);
    t = 20000;
    vi.advanceTimersByTime(5000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    w.stop();
  });
});
