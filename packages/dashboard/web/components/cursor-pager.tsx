import type { ReactNode } from "react";

/**
 * "Newer" and "Older" buttons over cursor pages: `cursors` holds the cursor
 * of every page before the shown one (empty on the first page), `next` the
 * cursor of the page after it. `children` follow the buttons. The labels
 * default to "← Newer" and "Older →" (lists newest first).
 */
export function CursorPager({
  cursors,
  setCursors,
  next,
  children,
  labels = ["← Newer", "Older →"],
}: {
  cursors: string[];
  setCursors: (cursors: string[]) => void;
  next: string | undefined;
  children?: ReactNode;
  /** Labels of the buttons to the page before and to the page after. */
  labels?: [string, string];
}) {
  return (
    <div className="pager">
      <button
        type="button"
        className="button plain"
        disabled={cursors.length === 0}
        onClick={() => setCursors(cursors.slice(0, -1))}
      >
        {labels[0]}
      </button>
      <span className="muted">page {cursors.length + 1}</span>
      <button
        type="button"
        className="button plain"
        disabled={!next}
        onClick={() => next && setCursors([...cursors, next])}
      >
        {labels[1]}
      </button>
      {children}
    </div>
  );
}
