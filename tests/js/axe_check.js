// axe_check.js CHROMIUM FILE.html|URL...: axe-core's violations (best practices included) for
// each file or http(s) address, as JSON on stdout: {"file": [{"id", "impact", "help", "nodes"}...]}.
// An address is a page of `dryneedle serve` (tests/test_serve_browser.py): its
// Content-Security-Policy allows no script, so the check bypasses it to inject axe.
// Needs axe-core and puppeteer-core on NODE_PATH (installed with PUPPETEER_SKIP_DOWNLOAD=1:
// the browser is Debian's chromium, nothing is downloaded).
const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");
const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

(async () => {
  const [chromium, ...files] = process.argv.slice(2);
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run"],
  });
  const out = {};
  try {
    for (const file of files) {
      const page = await browser.newPage();
      const web = /^https?:\/\//.test(file);
      if (web) await page.setBypassCSP(true);
      const url = web ? file : "file://" + path.resolve(file);
      await page.goto(url, { waitUntil: "load" });
      await page.addScriptTag({ content: axeSource });
      const result = await page.evaluate(async () => {
        // every rule axe runs by default: WCAG A/AA and best practices
        const r = await window.axe.run(document, { resultTypes: ["violations"] });
        return r.violations.map((v) => ({
          id: v.id, impact: v.impact, help: v.help,
          nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
        }));
      });
      out[file] = result;
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { console.error(String(e)); process.exit(2); });
