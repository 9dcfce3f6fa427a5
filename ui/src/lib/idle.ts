// Auto-lock after a time without input. The clock is injectable so the logic is testable; the
// shell drops the keys when the UI calls `lock`.

export const ACTIVITY_EVENTS = ["keydown", "mousedown", "mousemove", "wheel", "touchstart", "input"] as const;

export type IdleWatch = { stop: () => void; touch: () => void };

/**
 * Calls `onIdle` once after `idleMs` without activity on `target`; any activity restarts the
 * wait. Checked every `tickMs` (a sleeping laptop wakes up past the limit and locks at once).
 */
export function watchIdle(
  target: Pick<EventTarget, "addEventListener" | "removeEventListener">,
  idleMs: number,
  onIdle: () => void,
  now: () => number = () => Date.now(),
  tickMs = 1000,
): IdleWatch {
  let last = now();
  let fired = false;
  const touch = () => {
    last = now();
  };
  for (const e of ACTIVITY_EVENTS) target.addEventListener(e, touch, { passive: true, capture: true } as AddEventListenerOptions);
  const timer = setInterval(() => {
    if (!fired && now() - last >= idleMs) {
      fired = true;
      onIdle();
    }
  }, tickMs);
  return {
    touch,
    stop() {
      clearInterval(timer);
      for (const e of ACTIVITY_EVENTS) target.removeEventListener(e, touch, { capture: true } as EventListenerOptions);
    },
  };
}
