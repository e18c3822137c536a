// Load documentation pages in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// and report what rendered. Usage: node tools/render_check.mjs < pages.json > report.json
//   input:  {"pages": [{"name", "url", "selector", "attribute", "expected": [operation ids...]}], "timeout_ms"}
//   output: {"pages": [{"name", "found": [ids...], "console_errors": [...], "page_errors": [...],
//                       "blocked": [urls that would have left 127.0.0.1], "failed": [...]}]}
// A page is done when, for every expected operation id, an element id ending in "-<operation id>" is in
// the DOM (bounded by timeout_ms, never a timed
// assertion: the caller compares the ids). No request leaves 127.0.0.1: every other URL is aborted
// before the browser sends anything and reported, and the host resolver knows no other host.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const input = JSON.parse(readFileSync(0, "utf8"));
const userDataDir = mkdtempSync(path.join(tmpdir(), "render-check-"));
const local = (url) => {
  const { protocol, hostname } = new URL(url);
  return ["data:", "blob:", "about:"].includes(protocol) || hostname === "127.0.0.1";
};
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  ],
});
const results = [];
try {
  for (const spec of input.pages) {
    const page = await context.newPage();
    const result = { name: spec.name, found: [], console_errors: [], page_errors: [], blocked: [], failed: [] };
    page.on("console", (msg) => {
      if (msg.type() === "error") result.console_errors.push(msg.text());
    });
    page.on("pageerror", (err) => result.page_errors.push(String(err)));
    page.on("requestfailed", (req) => {
      if (local(req.url())) result.failed.push(`${req.url()}: ${req.failure()?.errorText}`);
    });
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (local(url)) return route.continue();
      result.blocked.push(url);
      return route.abort("blockedbyclient");
    });
    try {
      await page.goto(spec.url, { waitUntil: "load", timeout: input.timeout_ms });
      await page
        .waitForFunction(
          ({ selector, attribute, expected }) => {
            const ids = new Set([...document.querySelectorAll(selector)].map((e) => e.getAttribute(attribute)));
            return expected.every((op) => [...ids].some((id) => id?.endsWith(`-${op}`)));
          },
          spec,
          { timeout: input.timeout_ms, polling: 100 },
        )
        .catch(() => {}); // the caller compares what was found with what was expected
      result.found = await page.evaluate(
        ({ selector, attribute }) => [...document.querySelectorAll(selector)].map((e) => e.getAttribute(attribute)),
        spec,
      );
    } catch (err) {
      result.page_errors.push(`navigation: ${err}`);
    }
    await page.close();
    results.push(result);
  }
} finally {
  await context.close();
  rmSync(userDataDir, { recursive: true, force: true });
}
process.stdout.write(JSON.stringify({ pages: results }));
