import { reactionNameParts } from "../delivery-words";

/**
 * A reaction's name that breaks, in a narrow panel, only after a dot or before a capital
 * (`<wbr>`), never inside a word: the stylesheet's `.reaction-name` forbids any other break.
 */
export function ReactionName(props: { name: string; class?: string }) {
  const parts = reactionNameParts(props.name);
  return (
    <span class={props.class ? `reaction-name ${props.class}` : "reaction-name"}>
      {parts.map((part, i) => (
        <>
          {i > 0 ? <wbr /> : null}
          {part}
        </>
      ))}
    </span>
  );
}
