import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Option } from "@commander-js/extra-typings";
import { BatonError, type Engine, type EngineOptions } from "baton";
import { CliError } from "./cli-error.js";

/** Files a definitions folder is read for. */
const definitionFile = /\.(ya?ml|json)$/i;

/** The `--definitions <folder>` option of `serve`, `worker` and `dev`. */
export function definitionsOption() {
  return new Option(
    "--definitions <folder>",
    "deploy every definition (.yaml, .yml, .json) of this folder on start",
  ).env("BATON_DEFINITIONS");
}

/** The `--http-allow <hosts>` option: hosts and ranges declarative http nodes may reach although private. */
export function httpAllowOption() {
  return new Option(
    "--http-allow <hosts>",
    "host names, addresses or CIDR ranges that declarative http nodes may reach although private or loopback, comma-separated",
  )
    .env("BATON_HTTP_ALLOW")
    .argParser((value: string) =>
      value
        .split(",")
        .map((host) => host.trim())
        .filter(Boolean),
    );
}

/**
 * What declarative workflows take from the environment: secrets from the
 * variables `BATON_SECRET_<NAME>` (read as `$secrets.NAME`), and the hosts
 * `--http-allow` lists.
 */
export function definitionEngineOptions(
  allowed: string[] | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Pick<EngineOptions, "secrets" | "http"> {
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (key.startsWith("BATON_SECRET_") && key.length > 13 && value !== undefined) secrets[key.slice(13)] = value;
  }
  return { secrets, ...(allowed?.length ? { http: { allowedHosts: allowed } } : {}) };
}

/** The definition files of a folder, by name. @throws CliError when the folder cannot be read. */
export function definitionFiles(folder: string): string[] {
  try {
    if (!statSync(folder).isDirectory()) throw new CliError(`--definitions ${folder} is not a folder`);
    return readdirSync(folder)
      .filter((name) => definitionFile.test(name))
      .sort()
      .map((name) => join(folder, name));
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(`cannot read the definitions folder ${folder}: ${(error as Error).message}`);
  }
}

/**
 * Deploys definition files, one after the other; gives `name@version` (and
 * what happened) of each.
 * @throws CliError naming the file, with every issue of a bad definition.
 */
export async function deployDefinitionFiles(
  engine: Engine,
  files: string[],
): Promise<{ file: string; name: string; version: string; outcome: string }[]> {
  const deployed = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
    }
    try {
      const { definition, outcome } = await engine.definitions.deploy(text);
      deployed.push({ file, name: definition.name, version: definition.version, outcome });
    } catch (error) {
      if (error instanceof BatonError) throw new CliError(`${file}: ${error.code}: ${error.message}`, { cause: error });
      throw error;
    }
  }
  return deployed;
}
