// Lighthouse on several pages with one headless chromium: node lighthouse-pages.mjs REPORT.json URL...
// Writes, per URL, the four category scores and every weighted audit that did not fully pass.
// tests/test_quality.py runs it; CHROME_PATH names the browser (Debian's /usr/bin/chromium).
import { writeFileSync } from 'node:fs';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const CATEGORIES = ['performance', 'accessibility', 'best-practices', 'seo'];
const [report, ...urls] = process.argv.slice(2);
const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROME_PATH,
  chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
});
const results = {};
try {
  for (const url of urls) {
    const { lhr } = await lighthouse(url, { port: chrome.port, logLevel: 'error', onlyCategories: CATEGORIES });
    const shortfalls = [];
    for (const [name, category] of Object.entries(lhr.categories)) {
      for (const ref of category.auditRefs) {
        const audit = lhr.audits[ref.id];
        if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
          shortfalls.push({ category: name, audit: ref.id, score: audit.score,
                            detail: audit.displayValue || audit.explanation || '' });
        }
      }
    }
    results[url] = {
      scores: Object.fromEntries(Object.entries(lhr.categories).map(([name, c]) => [name, c.score])),
      runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null,
      shortfalls,
    };
  }
} finally {
  await chrome.kill();
}
writeFileSync(report, JSON.stringify(results, null, 2));
