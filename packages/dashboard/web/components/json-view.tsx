import { useState } from "react";

const longText = 240;
const manyChildren = 100;

function JsonScalar({ value }: { value: unknown }) {
  const [whole, setWhole] = useState(false);
  if (typeof value === "string") {
    const text = JSON.stringify(value);
    if (text.length <= longText || whole) return <span className="json-string">{text}</span>;
    return (
      <span className="json-string">
        {text.slice(0, longText)}…{" "}
        <button type="button" className="link-button" onClick={() => setWhole(true)}>
          show all {text.length} characters
        </button>
      </span>
    );
  }
  if (value === null) return <span className="json-null">null</span>;
  if (typeof value === "number" || typeof value === "boolean") {
    return <span className={`json-${typeof value}`}>{String(value)}</span>;
  }
  return <span className="json-null">{String(value)}</span>;
}

function JsonNode({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const isArray = Array.isArray(value);
  const entries: [string, unknown][] =
    value !== null && typeof value === "object"
      ? isArray
        ? (value as unknown[]).map((item, index) => [String(index), item])
        : Object.entries(value as Record<string, unknown>)
      : [];
  const composite = value !== null && typeof value === "object";
  const [open, setOpen] = useState(depth === 0 || (depth < 3 && entries.length <= 12));
  const [all, setAll] = useState(false);
  const key =
    name === undefined ? null : (
      <span className="json-key">{Number.isNaN(Number(name)) ? JSON.stringify(name) : name}: </span>
    );
  if (!composite) {
    return (
      <div className="json-line">
        {key}
        <JsonScalar value={value} />
      </div>
    );
  }
  const [opening, closing] = isArray ? ["[", "]"] : ["{", "}"];
  const size = `${entries.length} ${isArray ? (entries.length === 1 ? "item" : "items") : entries.length === 1 ? "key" : "keys"}`;
  if (entries.length === 0) {
    return (
      <div className="json-line">
        {key}
        <span className="json-punct">{`${opening}${closing}`}</span>
      </div>
    );
  }
  const shown = all ? entries : entries.slice(0, manyChildren);
  return (
    <div className="json-line">
      <button type="button" className="json-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? "▾" : "▸"}
      </button>
      {key}
      <span className="json-punct">{opening}</span>
      {open ? (
        <>
          <div className="json-children">
            {shown.map(([childName, child]) => (
              <JsonNode key={childName} name={childName} value={child} depth={depth + 1} />
            ))}
            {shown.length < entries.length && (
              <button type="button" className="link-button" onClick={() => setAll(true)}>
                show {entries.length - shown.length} more
              </button>
            )}
          </div>
          <span className="json-punct">{closing}</span>
        </>
      ) : (
        <button type="button" className="link-button json-summary" onClick={() => setOpen(true)}>
          … {size} {closing}
        </button>
      )}
    </div>
  );
}

/**
 * A JSON value as a collapsible tree of text: large objects and arrays
 * start folded, long strings are cut with a "show all". Keys and values are
 * rendered as text nodes, never as markup. `undefined` shows "none".
 */
export function JsonView({ value }: { value: unknown }) {
  if (value === undefined) return <span className="muted">none</span>;
  return (
    <div className="json">
      <JsonNode value={value} depth={0} />
    </div>
  );
}
