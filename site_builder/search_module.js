/* The site's search, written by site-builder as pagefind/pagefind.js: Pagefind's own API over two
   of its indexes. base/ indexes every page as of the last full indexing; delta/ (when present)
   indexes only the pages changed since, so an edit costs Pagefind a few pages, not the whole
   site. delta/ is merged into base/ (Pagefind's mergeIndex), and base/'s results for pages
   changed or deleted since (`superseded`) are dropped. Pagefind's UI imports this module as it
   would Pagefind's own. */
import * as pagefind from "./base/pagefind.js";

const MANIFEST = /*MANIFEST*/{"delta": false, "superseded": [], "changed": [], "sortKeys": {}};
const superseded = new Set(MANIFEST.superseded);
const changed = new Set(MANIFEST.changed);
let merged = null;
let baseUrl = {};
let baseSortKeys = null;
let latestSearch = 0;

function ready() {
  if (MANIFEST.delta && !merged) {
    merged = pagefind.mergeIndex(new URL("./delta/", import.meta.url).pathname, Object.assign({}, baseUrl));
  }
  return merged || Promise.resolve();
}

export async function options(settings) {
  if (settings && settings.baseUrl) { baseUrl = {baseUrl: settings.baseUrl}; }
  await pagefind.options(settings);
}

export async function init() { await pagefind.init(); await ready(); }
export async function destroy() { await pagefind.destroy(); merged = null; }
export async function mergeIndex(path, settings) { await ready(); return pagefind.mergeIndex(path, settings); }
export async function preload(term, settings) { await ready(); return pagefind.preload(term, settings); }
export async function filters() { await ready(); return pagefind.filters(); }

export async function search(term, settings) {
  settings = settings || {};
  await ready();
  const found = await pagefind.search(term, settings);
  if (!found || (!superseded.size && !MANIFEST.delta)) { return found; }
  let results = found.results.filter((result) => !superseded.has(result.id));
  if (changed.size && typeof term === "string" && term.trim()) {
    const genuine = await Promise.all(results.map(async (result) =>
      !changed.has(result.id) || hasEveryWord(await result.data(), term)));
    results = results.filter((result, position) => genuine[position]);
    if (!(await baseKnowsEveryWord(results, term))) {
      results = results.filter((result) => changed.has(result.id));
    }
  }
  const dropped = found.results.length - results.length;
  const sortKey = Object.keys(settings.sort || {})[0];
  if (sortKey && MANIFEST.delta) { await sortBy(results, sortKey, settings.sort[sortKey]); }
  return Object.assign({}, found, {results: results, unfilteredResultCount: found.unfilteredResultCount - dropped});
}

/* A word delta/ has never seen makes Pagefind fall back, there, to shorter words it starts with
   ("theocracy" finds every page with "the"; "apple" the metadata "Outlet A"), while base/,
   knowing the word, finds only the pages that have it: so a changed page is kept only if each
   word of the query starts one of its own words, give or take an ending (Pagefind matches
   stems). Only changed pages are fetched for this (a few, a hundred at most; the results list
   fetches its first ones anyway). */
function hasEveryWord(data, term) {
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u.test(term)) {
    return true;  // no spaces between words to compare by
  }
  const words = fold([data.content || ""].concat(Object.values(data.meta || {})).join(" ")).split(/[^\p{L}\p{N}]+/u);
  return fold(term).split(/[^\p{L}\p{N}]+/u).filter(Boolean).every((wanted) => {
    const needed = Math.min(wanted.length, Math.max(3, wanted.length - 5));
    return words.some((word) => sharedStart(word, wanted) >= needed);
  });
}

/* The same fallback in base/, for a word only the changed pages have ("strikebreakers", added
   since, would find base/'s pages with "strike"): then none of base/'s results has every word.
   Its first few are checked (the results list fetches them anyway): all or none of them fell back. */
async function baseKnowsEveryWord(results, term) {
  const fromBase = results.filter((result) => !changed.has(result.id)).slice(0, 3);
  if (!fromBase.length) { return true; }
  const known = await Promise.all(fromBase.map(async (result) => hasEveryWord(await result.data(), term)));
  return known.some(Boolean);
}

function sharedStart(first, second) {
  let length = 0;
  while (length < first.length && length < second.length && first[length] === second[length]) { length++; }
  return length;
}

export async function debouncedSearch(term, settings, waitMs) {
  const mine = ++latestSearch;
  await new Promise((resolve) => setTimeout(resolve, waitMs === undefined ? 300 : waitMs));
  if (mine !== latestSearch) { return null; }
  const found = await search(term, settings);
  return mine === latestSearch ? found : null;
}

/* Merged indexes come back ordered by score even when a sort was asked for (Pagefind 1.5), so
   they are ordered again by the sort values site-builder read from the pages: base/sort-keys.json
   (fetched only for such a search) and the changed pages' own, in MANIFEST. Pages without the
   value go last. */
async function sortBy(results, key, direction) {
  if (!baseSortKeys) {
    baseSortKeys = fetch(new URL("./base/sort-keys.json", import.meta.url))
      .then((response) => (response.ok ? response.json() : {}))
      .catch(() => ({}));
  }
  const known = Object.assign({}, (await baseSortKeys)[key] || {}, MANIFEST.sortKeys[key] || {});
  const sign = direction === "desc" ? -1 : 1;
  const order = new Map(results.map((result, position) => [result, position]));
  results.sort((a, b) => {
    const first = known[a.id];
    const second = known[b.id];
    if (first === undefined || second === undefined) {
      return first === second ? order.get(a) - order.get(b) : (first === undefined ? 1 : -1);
    }
    return compareValues(first, second) * sign || order.get(a) - order.get(b);
  });
}

function compareValues(first, second) {
  const a = Number(first);
  const b = Number(second);
  if (first !== "" && second !== "" && !Number.isNaN(a) && !Number.isNaN(b)) { return a - b; }
  return first < second ? -1 : (first > second ? 1 : 0);
}
