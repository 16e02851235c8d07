import { readFileSync } from "node:fs";
import type { Definition } from "@baton/server/wire-types";
import { Command } from "@commander-js/extra-typings";
import { CliError } from "../cli-error.js";
import { clientOptions, withClient } from "../client-options.js";
import { type Colors, colorsFor } from "../colors.js";
import { formatTable } from "../format-table.js";
import { formatTime } from "../format-time.js";
import { printJson } from "../print-json.js";

/** The nodes of a document, one line each, indented by depth: `id  kind  what`. */
export function formatNodes(c: Colors, nodes: unknown, depth = 0): string[] {
  if (!Array.isArray(nodes)) return [];
  const lines: string[] = [];
  for (const node of nodes as Record<string, Record<string, unknown>>[]) {
    const kind = Object.keys(node).find((key) => key !== "id" && key !== "description") ?? "?";
    const body = node[kind] ?? {};
    const what =
      kind === "task"
        ? `${body.name}${body.queue ? ` (queue ${body.queue})` : ""}`
        : kind === "http"
          ? `${body.method ?? "GET"} ${body.url}`
          : kind === "wait"
            ? Object.entries(body)
                .filter(([k]) => k !== "match")
                .map(([k, v]) => `${k} ${v}`)
                .join(", ")
            : kind === "approval"
              ? String(body.title)
              : kind === "child"
                ? String(body.workflow)
                : kind === "fail"
                  ? String(body.error)
                  : "";
    lines.push(`${"  ".repeat(depth)}${c.bold(String(node.id))}  ${c.dim(kind)}  ${what}`);
    const nested = (label: string, list: unknown) => {
      if (!Array.isArray(list)) return;
      lines.push(`${"  ".repeat(depth + 1)}${c.dim(label)}`);
      lines.push(...formatNodes(c, list, depth + 2));
    };
    if (kind === "parallel")
      for (const [i, branch] of (body.branches as unknown[]).entries()) nested(`branch ${i + 1}`, branch);
    if (kind === "forEach") nested(`each of ${JSON.stringify(body.items)}`, body.steps);
    if (kind === "if") {
      nested(`then (${JSON.stringify(body.condition)})`, body.then);
      nested("else", body.else);
    }
    if (kind === "switch") {
      for (const entry of body.cases as { when: unknown; steps: unknown }[])
        nested(`when ${JSON.stringify(entry.when)}`, entry.steps);
      nested("default", body.default);
    }
  }
  return lines;
}

/** One version in full: name, version, description, nodes. */
export function formatDefinition(c: Colors, definition: Definition): string[] {
  const lines = [
    `${c.bold(definition.name)} version ${definition.version}, deployed ${formatTime(definition.createdAt)}`,
  ];
  if (definition.description) lines.push(definition.description);
  lines.push("", ...formatNodes(c, definition.document.steps));
  return lines;
}

/**
 * `baton definitions deploy|list|show`: declarative workflows, deployed
 * from YAML or JSON files and read back.
 *
 * @example
 * baton definitions deploy flows/etl.yaml flows/refund.yaml
 * baton definitions show etl 2
 */
export function createDefinitionsCommand() {
  const client = clientOptions();
  const deploy = new Command("deploy")
    .description(
      "check and store definitions (YAML or JSON files) as new versions; every error is listed with its path",
    )
    .argument("<files...>", "definition files")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (files, options, command) => {
      const sources = files.map((file) => {
        try {
          return { file, text: readFileSync(file, "utf8") };
        } catch (error) {
          throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
        }
      });
      const deployed = await withClient(command, async (baton) => {
        const results = [];
        for (const { file, text } of sources) {
          try {
            results.push({ file, ...(await baton.deployDefinition(text)) });
          } catch (error) {
            if (error instanceof CliError) throw new CliError(`${file}: ${error.message}`, { cause: error });
            throw error;
          }
        }
        return results;
      });
      if (options.json) return printJson(deployed);
      for (const { file, name, version, outcome } of deployed) console.log(`${name}@${version} ${outcome} (${file})`);
    });
  const list = new Command("list")
    .description("list definitions with their newest version")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (options, command) => {
      const { definitions } = await withClient(command, (baton) => baton.listDefinitions());
      if (options.json) return printJson({ definitions });
      if (definitions.length === 0) return console.log("no definitions");
      const c = colorsFor(process.stdout);
      const header = ["DEFINITION", "VERSION", "VERSIONS", "UPDATED", "DESCRIPTION"].map((title) => c.dim(title));
      const rows = definitions.map((d) => [
        c.bold(d.name),
        d.latestVersion,
        String(d.versions),
        formatTime(d.updatedAt),
        d.description ?? "",
      ]);
      console.log(formatTable([header, ...rows]).join("\n"));
    });
  const show = new Command("show")
    .description("show a definition's nodes (its newest version, or the version given) and its versions")
    .argument("<name>", "definition name")
    .argument("[version]", "this version")
    .addOption(client.url)
    .addOption(client.token)
    .addOption(client.store)
    .addOption(client.json)
    .action(async (name, version, options, command) => {
      const { definition, versions } = await withClient(command, async (baton) => {
        const all = await baton.getDefinitionVersions(name);
        const wanted = version === undefined ? all.latest : await baton.getDefinition(name, version);
        return { definition: wanted, versions: all.versions };
      });
      if (options.json) return printJson({ definition, versions });
      const c = colorsFor(process.stdout);
      console.log(formatDefinition(c, definition).join("\n"));
      console.log(`\n${c.dim("versions")} ${versions.map((v) => v.version).join(", ")}`);
    });
  return new Command("definitions")
    .description("deploy and read declarative workflow definitions")
    .addCommand(deploy)
    .addCommand(list)
    .addCommand(show);
}
