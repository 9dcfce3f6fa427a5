// Typed calls into the Rust side. Commands come from the generated `bindings.ts`; a failed
// command throws its IpcError so callers can `try/catch` once.
import { commands, type IpcError } from "./bindings";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: IpcError };

export async function unwrap<T>(pending: Promise<Result<T>>): Promise<T> {
  const result = await pending;
  if (result.status === "error") throw result.error;
  return result.data;
}

export { commands };
