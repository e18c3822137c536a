// Render an AsyncAPI document as static HTML with @asyncapi/html-template, offline.
// Usage: node tools/asyncapi_html.mjs spec/finex.asyncapi.yaml OUT_DIR
// The template is the local node_modules copy (never installed from the registry at run time); the
// output (index.html, css/, js/) loads nothing from outside its own folder.
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import path from "node:path";

const require = createRequire(import.meta.url);
const Generator = require("@asyncapi/generator");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [source, outDir] = process.argv.slice(2);
const template = path.join(root, "node_modules", "@asyncapi", "html-template");
const generator = new Generator(template, path.resolve(outDir), {
  forceWrite: true,
  compile: false, // the template ships its transpiled form (__transpiled/); compiling it again takes ~30 s
  templateParams: { singleFile: "false", outFilename: "index.html" },
});
await generator.generateFromFile(path.resolve(source));
