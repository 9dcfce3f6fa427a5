// The state of a case record's inline form (findings, decisions, appeals): open or not, saving,
// and the core's refusal, shown with its reason.
import type { IpcError } from "../../../lib/ipc/bindings";
import { toIpcError } from "../../../lib/errors";
import { toast } from "../../../lib/toast.svelte";

export class RecordForm {
  open = $state(false);
  working = $state(false);
  error: IpcError | null = $state(null);

  /** Opens or closes the form; `prepare` sets its defaults when it opens. */
  toggle(prepare?: () => void) {
    this.open = !this.open;
    this.error = null;
    if (this.open) prepare?.();
  }

  /** Runs the write; on success closes the form, says `done` and lets the page reload. */
  async save(write: () => Promise<unknown>, done: string, changed: () => void) {
    this.working = true;
    try {
      await write();
      this.open = false;
      this.error = null;
      toast(done);
      changed();
    } catch (err) {
      this.error = toIpcError(err);
    } finally {
      this.working = false;
    }
  }
}
