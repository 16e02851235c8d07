import pc from "picocolors";

/**
 * Colours for output to `stream`: on when it is a terminal and `NO_COLOR` is
 * not set, or when `FORCE_COLOR` is set.
 */
export function colorsFor(stream: NodeJS.WriteStream) {
  const env = process.env;
  const enabled = env.FORCE_COLOR ? env.FORCE_COLOR !== "0" : Boolean(stream.isTTY) && !env.NO_COLOR;
  return pc.createColors(enabled);
}

/** The colour functions `colorsFor` returns (identity functions when colour is off). */
export type Colors = ReturnType<typeof colorsFor>;
