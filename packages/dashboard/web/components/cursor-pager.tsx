import type { ReactNode } from "react";

/**
 * "Newer" and "Older" buttons over cursor pages: `cursors` holds the cursor
 * of every page before the shown one (empty on the first page), `next` the
 * cursor of the page after it. `children` follow the buttons.
 */
export function CursorPager({
  cursors,
  setCursors,
  next,
  children,
}: {
  cursors: string[];
  setCursors: (cursors: string[]) => void;
  next: string | undefined;
  children?: ReactNode;
}) {
  return (
    <div className="pager">
      <button
        type="button"
        className="button plain"
        disabled={cursors.length === 0}
        onClick={() => setCursors(cursors.slice(0, -1))}
      >
        ← Newer
      </button>
      <span className="muted">page {cursors.length + 1}</span>
      <button
        type="button"
        className="button plain"
        disabled={!next}
        onClick={() => next && setCursors([...cursors, next])}
      >
        Older →
      </button>
      {children}
    </div>
  );
}
