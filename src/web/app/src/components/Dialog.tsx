import type { ComponentChildren } from "preact";
import { useEffect, useRef } from "preact/hooks";

/*
 * A modal on the native <dialog>: the browser keeps focus inside, closes it on Escape, and puts
 * focus back where it was when it closes.
 */
export function Dialog(props: {
  label: string;
  onClose: () => void;
  children: ComponentChildren;
  class?: string;
  labelledBy?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement as HTMLElement | null;
    if (!dialog.open) dialog.showModal();
    document.documentElement.classList.add("modal-open");
    return () => {
      document.documentElement.classList.remove("modal-open");
      if (dialog.open) dialog.close();
      opener?.focus?.();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class={`dialog ${props.class ?? ""}`}
      aria-label={props.labelledBy ? undefined : props.label}
      aria-labelledby={props.labelledBy}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself, outside its content) closes it.
        if (e.target === ref.current) props.onClose();
      }}
    >
      {props.children}
    </dialog>
  );
}
