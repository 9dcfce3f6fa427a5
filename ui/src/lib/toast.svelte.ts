// Toasts for completed actions: short, polite, gone after a few seconds.

export type Toast = { id: number; text: string; kind: "success" | "error" };

let next = 1;
export const toasts: { list: Toast[] } = $state({ list: [] });

export function toast(text: string, kind: Toast["kind"] = "success", ms = 4000): void {
  const id = next++;
  toasts.list.push({ id, text, kind });
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  toasts.list = toasts.list.filter((t) => t.id !== id);
}
