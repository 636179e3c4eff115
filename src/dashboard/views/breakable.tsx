/**
 * Where a machine name may wrap: after each `.` or `_`, and before each capital that starts a
 * word (camelCase). `inventory.reserveStockWhenOrderCreated` → `inventory.`, `reserve`, `Stock`,
 * `When`, `Order`, `Created`. Never inside a word.
 */
export function wordsOf(name: string): string[] {
  return name.split(/(?<=[._])|(?=[A-Z][a-z])/).filter((part) => part !== "");
}

/**
 * A machine name (an event type, a reaction) that wraps between its words in a narrow cell, so
 * a table fits its panel (its buttons stay inside) without breaking a name mid-word.
 */
export function Breakable(props: { name: string }) {
  return (
    <>
      {wordsOf(props.name).map((word, i) => (
        <>
          {i > 0 ? <wbr /> : null}
          {word}
        </>
      ))}
    </>
  );
}
