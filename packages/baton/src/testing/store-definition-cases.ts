import assert from "node:assert/strict";
import type { BatonError } from "../errors.js";
import type { NewDefinitionRecord } from "../store/store.js";
import { type StoreCase, suiteRun } from "./store-case.js";

const definition = (content: string, version?: string): NewDefinitionRecord => ({
  name: "w",
  ...(version === undefined ? {} : { version }),
  document: { name: "w", steps: [{ id: content, succeed: {} }] },
  digest: `digest-${content}`,
});

/** The store suite's tests of definitions: versions given and numbered, unchanged content, used versions kept. */
export const storeDefinitionCases: StoreCase[] = [
  {
    name: "saveDefinition numbers versions, finds the same content again, and keeps a used version as it is",
    async run(store) {
      const first = await store.saveDefinition(definition("a"), 10);
      assert.deepEqual(
        [first.outcome, first.definition.version, first.definition.document.version],
        ["created", "1", "1"],
      );
      assert.equal((await store.saveDefinition(definition("a"), 11)).outcome, "unchanged");
      const named = await store.saveDefinition(definition("b", "release-1"), 12);
      assert.deepEqual([named.outcome, named.definition.version], ["created", "release-1"]);
      assert.equal((await store.saveDefinition(definition("c", "release-1"), 13)).outcome, "replaced");
      assert.equal((await store.getDefinition("w", "release-1"))?.digest, "digest-c");
      await store.createRun({ ...suiteRun("run-1"), version: "release-1" }, 14);
      await assert.rejects(
        store.saveDefinition(definition("d", "release-1"), 15),
        (error: BatonError) => error.code === "DEFINITION_IMMUTABLE",
      );
      const numbered = await store.saveDefinition(definition("e"), 16);
      assert.equal(numbered.definition.version, "2", "the next whole number after the highest");
      assert.equal((await store.getDefinition("w"))?.version, "2", "the newest version is the last created");
      assert.deepEqual(
        (await store.listDefinitionVersions("w")).map((v) => v.version),
        ["2", "release-1", "1"],
      );
      assert.deepEqual(await store.listDefinitions(), [{ name: "w", latestVersion: "2", versions: 3, updatedAt: 16 }]);
      assert.deepEqual(
        (await store.listDefinitionKeys()).map((k) => `${k.name}@${k.version}:${k.digest}`),
        ["w@1:digest-a", "w@release-1:digest-c", "w@2:digest-e"],
      );
      await store.registerWorkflows([{ workflow: "coded", version: "1", subscriptions: [] }], 17);
      await assert.rejects(
        store.saveDefinition({ ...definition("f"), name: "coded" }, 18),
        (error: BatonError) => error.code === "DEFINITION_CONFLICT",
      );
      assert.equal(await store.getDefinition("nope"), undefined);
      assert.deepEqual(await store.listDefinitionVersions("nope"), []);
    },
  },
];
