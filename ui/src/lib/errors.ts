// Errors from the core arrive as { code, detail }. The user reads a message in their language
// chosen by `code`; the English `detail` stays available behind a disclosure.
import type { IpcError } from "./ipc/bindings";

export function isIpcError(value: unknown): value is IpcError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as IpcError).code === "string" &&
    typeof (value as IpcError).detail === "string"
  );
}

/** The i18n key for an error code; unknown codes fall back to a generic message. */
export function errorMessageKey(code: string, known: (key: string) => boolean): string {
  const key = `errors.${code}`;
  return known(key) ? key : "errors.unknown";
}

/** Anything thrown (IPC error, JS exception, string) as an IpcError. */
export function toIpcError(e: unknown): IpcError {
  if (isIpcError(e)) return e;
  if (e instanceof Error) return { code: "internal", detail: e.message };
  return { code: "internal", detail: String(e) };
}
