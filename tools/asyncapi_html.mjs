// Render an AsyncAPI document as static HTML with @asyncapi/html-template, offline.
// Usage: node tools/asyncapi_html.mjs spec/finex.asyncapi.yaml OUT_DIR
// The template is the local node_modules copy (never installed from the registry at run time); the
// output (index.html, css/, js/) loads nothing from outside its own folder.
//
// The transpiled template the package ships (__transpiled/) points at its own build machine, so the
// first run transpiles it again (~30 s, written into the package's __transpiled/) and leaves a stamp
// naming the template version; later runs reuse that (a fresh `npm ci` removes both).
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const Generator = require("@asyncapi/generator");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [source, outDir] = process.argv.slice(2);
const template = path.join(root, "node_modules", "@asyncapi", "html-template");
const { version } = JSON.parse(readFileSync(path.join(template, "package.json"), "utf8"));
const stamp = path.join(template, "__transpiled", ".transpiled-here");
const transpiled = existsSync(stamp) && readFileSync(stamp, "utf8") === version;
const generator = new Generator(template, path.resolve(outDir), {
  forceWrite: true,
  compile: !transpiled,
  templateParams: { singleFile: "false", outFilename: "index.html" },
});
await generator.generateFromFile(path.resolve(source));
if (!transpiled) writeFileSync(stamp, version);
