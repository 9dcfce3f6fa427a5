// Vietnamese input methods (Telex/VNI through IBus, Unikey, macOS) compose a syllable over several
// key events. While a composition is open the field holds half-typed text, so searching or
// validating then would act on garbage: callers act only once the composition has ended.

/** Calls `onValue` with the field's NFC value after each settled edit (never mid-composition). */
export function settledInput(node: HTMLInputElement, onValue: (value: string) => void) {
  let composing = false;
  const emit = () => onValue(node.value.normalize("NFC"));
  const onStart = () => (composing = true);
  const onEnd = () => {
    composing = false;
    emit();
  };
  const onInput = (e: Event) => {
    if (composing || (e as InputEvent).isComposing) return;
    emit();
  };
  node.addEventListener("compositionstart", onStart);
  node.addEventListener("compositionend", onEnd);
  node.addEventListener("input", onInput);
  return {
    destroy() {
      node.removeEventListener("compositionstart", onStart);
      node.removeEventListener("compositionend", onEnd);
      node.removeEventListener("input", onInput);
    },
  };
}

/** Delays `fn` until `ms` have passed without another call (typing pauses). */
export function debounce<A extends unknown[]>(fn: (...args: A) => void, ms: number) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (...args: A) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// A form must not submit (nor validate) while an input method is composing a syllable: with
// Telex/VNI the Enter that commits the composition would otherwise also submit half-typed text.

/** Svelte action for a <form>: tracks open compositions in any of its fields and swallows the
 *  Enter key that belongs to the input method. Check `isComposing(form)` before submitting. */
export function guardComposition(form: HTMLFormElement) {
  const onStart = () => (form.dataset.composing = "true");
  const onEnd = () => delete form.dataset.composing;
  const onKeyDown = (e: KeyboardEvent) => {
    // WebKit reports the committing Enter as keyCode 229, sometimes after compositionend.
    if (e.key === "Enter" && (e.isComposing || e.keyCode === 229 || isComposing(form))) {
      e.preventDefault();
    }
  };
  form.addEventListener("compositionstart", onStart);
  form.addEventListener("compositionend", onEnd);
  form.addEventListener("keydown", onKeyDown);
  return {
    destroy() {
      form.removeEventListener("compositionstart", onStart);
      form.removeEventListener("compositionend", onEnd);
      form.removeEventListener("keydown", onKeyDown);
    },
  };
}

export function isComposing(form: HTMLFormElement): boolean {
  return form.dataset.composing === "true";
}
