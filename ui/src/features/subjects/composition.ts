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
