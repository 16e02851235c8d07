import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tempDir } from "../../baton/test/helpers.js";

const batonPackage = fileURLToPath(new URL("../../baton", import.meta.url));

/** A project directory with "baton" installed (linked) and the given files. */
export function createProject(files: Record<string, string>): string {
  const dir = tempDir("baton-cli-");
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(batonPackage, join(dir, "node_modules", "baton"), "dir");
  writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module" }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * Workflows for the client tests: `greet` waits for an `approve` signal;
 * `check` fails for good until the file `ok` exists in the working
 * directory (so that it can be resumed); `welcome` starts on the event
 * `user.created`.
 */
export const clientWorkflows = `
import { existsSync } from "node:fs";
import { defineWorkflow, FatalError } from "baton";

export const greet = defineWorkflow("greet", async (ctx, name: string) => {
  const text = await ctx.step("compose", () => \`Hello, \${name}\`);
  const approved = await ctx.waitForSignal<boolean>("approve");
  return ctx.step("finish", () => (approved ? text : "not approved"));
});

export const check = defineWorkflow("check", async (ctx) =>
  ctx.step("look", () => {
    if (!existsSync("ok")) throw new FatalError("no file named ok");
    return "found";
  }),
);

export const welcome = defineWorkflow("welcome", async (ctx, user: { name: string }) => ctx.step("mail", () => \`mailed \${user.name}\`), {
  events: ["user.created"],
});
`;
