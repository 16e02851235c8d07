import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { createProject } from "./project.js";
import { runBaton } from "./run-baton.js";
import { startServe } from "./start-serve.js";

const tasksModule = `
import { defineTask } from "baton";

export const greet = defineTask("greet", (input: { name: string }) => "Hello, " + input.name);
`;

const hello = `
name: hello
description: greets, unless told to be quiet
input:
  type: object
  properties: { name: { type: string }, quiet: { type: boolean } }
  required: [name]
steps:
  - id: choose
    if:
      condition: "{% $input.quiet %}"
      then:
        - id: hush
          succeed: { output: "..." }
  - id: say
    task: { name: greet, input: { name: "{% $input.name %}" } }
`;

const broken = `
name: broken
steps:
  - id: a
    http: { url: 42 }
  - id: b
    wait: { signal: go, duration: 1h }
`;

test("definitions deploy, list and show; serve --definitions runs them with the module's task handlers", async () => {
  const dir = createProject({ "tasks.ts": tasksModule, "broken.yaml": broken });
  mkdirSync(join(dir, "flows"));
  writeFileSync(join(dir, "flows", "hello.yaml"), hello);
  const store = `sqlite:${join(dir, "b.db")}`;
  const { server, url } = await startServe(["tasks.ts", "--store", store, "--definitions", "flows"], { cwd: dir });
  const viaServer = (args: string[]) => runBaton([...args, "--url", url], { cwd: dir });
  try {
    const refused = await runBaton(["definitions", "deploy", "broken.yaml", "--store", store], { cwd: dir });
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /broken\.yaml: INVALID_DEFINITION: .*steps\[0\]\.http\.url: must be string.*steps\[1\]\.wait: needs exactly one/,
    );
    const listed = await viaServer(["definitions", "list"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /^DEFINITION\s+VERSION\s+VERSIONS\s+UPDATED\s+DESCRIPTION/m);
    assert.match(listed.stdout, /^hello\s+1\s+1\s+.*greets, unless told to be quiet/m);
    const started = await viaServer(["runs", "start", "hello", "--input", '{"name":"Ada"}', "--id", "h-1"]);
    assert.equal(started.code, 0, started.stderr);
    let run = JSON.parse((await viaServer(["runs", "show", "h-1", "--json"])).stdout);
    for (let i = 0; i < 100 && run.status !== "completed"; i++) {
      run = JSON.parse((await viaServer(["runs", "show", "h-1", "--json"])).stdout);
    }
    assert.deepEqual([run.status, run.output], ["completed", "Hello, Ada"]);
    writeFileSync(join(dir, "hello-2.yaml"), hello.replace("Hello", "Hi").replace("greets,", "greets briefly,"));
    const again = await viaServer(["definitions", "deploy", "flows/hello.yaml", "hello-2.yaml"]);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /^hello@1 unchanged \(flows\/hello\.yaml\)$/m);
    assert.match(again.stdout, /^hello@2 created \(hello-2\.yaml\)$/m);
    const shown = await viaServer(["definitions", "show", "hello", "1"]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /^hello version 1, deployed /m);
    assert.match(shown.stdout, /^choose {2}if/m);
    assert.match(shown.stdout, /^ {4}hush {2}succeed/m);
    assert.match(shown.stdout, /^say {2}task {2}greet$/m);
    assert.match(shown.stdout, /^versions 2, 1$/m);
    const onStore = JSON.parse(
      (await runBaton(["definitions", "list", "--json", "--store", store], { cwd: dir })).stdout,
    );
    assert.equal(onStore.definitions[0].latestVersion, "2");
  } finally {
    await server.stop();
  }
});
