// @asyncapi/html-template depends on puppeteer (for its optional PDF output, which codegen does not use).
// Never let its install step download a browser: there is no network beyond the package registries, and
// the docs test drives Debian's chromium through playwright-core instead.
module.exports = { skipDownload: true };
