import { navigate } from "../lib/router.ts";
import { Icon } from "./Icon.tsx";

export function BackButton() {
  return (
    <button type="button" class="icon-button back" aria-label="Back" onClick={() => (history.length > 1 ? history.back() : navigate("/"))}>
      <Icon name="back" />
    </button>
  );
}
