// Parse an AsyncAPI document with the official parser and print its diagnostics as JSON.
// Usage: node tools/asyncapi_parse.mjs spec/finex.asyncapi.yaml
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const path = process.argv[2];
const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(path, "utf8"), { source: path });
const severities = ["error", "warning", "info", "hint"];
const out = diagnostics.map((d) => ({
  severity: severities[d.severity] ?? String(d.severity),
  code: d.code,
  message: d.message,
  path: d.path.join("/"),
  line: d.range?.start?.line + 1,
}));
console.log(JSON.stringify({ parsed: document !== undefined, diagnostics: out }));
