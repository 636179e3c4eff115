import { Breakable } from "./breakable";

/**
 * A reaction's name that breaks, in a narrow panel, only between its words (Breakable's `<wbr>`s),
 * never inside one: the stylesheet's `.reaction-name` forbids any other break.
 */
export function ReactionName(props: { name: string; class?: string }) {
  return (
    <span class={props.class ? `reaction-name ${props.class}` : "reaction-name"}>
      <Breakable name={props.name} />
    </span>
  );
}
