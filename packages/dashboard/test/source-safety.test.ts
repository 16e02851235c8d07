/**
 * What the browser code must never contain, checked on its source and on
 * the built files: markup built from strings, code built from strings,
 * links built from run data (only `runHref`/`humanTaskHref`/`definitionHref`
 * and `runsHref`/`tasksHref`/`inboxHref`, which encode, and fixed `#/` routes),
 * and anything inline that the
 * Content-Security-Policy would refuse.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, test } from "node:test";
import { ensureDashboardBuilt, packageDir } from "./support/ensure-dashboard-built.js";

function filesUnder(dir: string, extensions: RegExp): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path, extensions);
    return extensions.test(entry.name) ? [path] : [];
  });
}

const sources = filesUnder(join(packageDir, "web"), /\.(ts|tsx)$/).map((path) => ({
  name: relative(packageDir, path),
  text: readFileSync(path, "utf8"),
}));

before(() => ensureDashboardBuilt());

test("no markup or code is ever built from strings", () => {
  const forbidden = [
    /dangerouslySetInnerHTML/,
    /\.innerHTML\b/,
    /\.outerHTML\b/,
    /insertAdjacentHTML/,
    /document\.write/,
    /\beval\s*\(/,
    /new Function\s*\(/,
    /createContextualFragment/,
    /srcDoc/,
    /<style[\s>]/,
    /setAttribute\(\s*["']style/,
  ];
  assert.ok(sources.length > 20, "the browser sources are found");
  for (const { name, text } of sources) {
    for (const pattern of forbidden) assert.doesNotMatch(text, pattern, `${name} uses ${pattern}`);
  }
});

test("every link is a fixed internal route or made by runHref / humanTaskHref / definitionHref / runsHref / tasksHref / inboxHref", () => {
  const allowed =
    /^href=(?:"#\/[a-z]*"|\{(?:runHref|humanTaskHref|definitionHref|runsHref|tasksHref|inboxHref)\(|\{link\.href\})/;
  let links = 0;
  for (const { name, text } of sources) {
    for (const match of text.matchAll(/href=[^\s>]+/g)) {
      links++;
      assert.match(match[0], allowed, `${name}: ${match[0]}`);
    }
    if (name.endsWith("app-header.tsx")) assert.match(text, /href: "#\/[a-z]+"/);
  }
  assert.ok(links > 5);
});

test("the built page loads only its own script and stylesheet, with nothing inline", () => {
  const html = readFileSync(join(packageDir, "dist", "index.html"), "utf8");
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, "no inline script");
  assert.doesNotMatch(html, /<style|\sstyle=|\son[a-z]+=/i, "no inline style or handler");
  for (const match of html.matchAll(/\b(?:src|href)="([^"]*)"/g)) {
    assert.match(match[1] ?? "", /^(\/assets\/[\w.-]+\.(js|css)|data:,)$/, `only local files: ${match[0]}`);
  }
  const assets = filesUnder(join(packageDir, "dist"), /\.(css)$/).map((path) => readFileSync(path, "utf8"));
  for (const css of assets) assert.doesNotMatch(css, /@import|url\((?!["']?data:)/, "stylesheets load nothing else");
});
