/* The site's search, written by site-builder as pagefind/pagefind.js: Pagefind's own API over
   its indexes, one per language and two per language at most. base/<language>/ indexes every
   page in that language as of the last full indexing; delta/<language>/ (when present) indexes
   only the pages changed since, so an edit costs Pagefind a few pages, not the whole site.

   Each language's index is loaded by a Pagefind module of its own (its own pagefind.js, worker
   and WebAssembly), because Pagefind stems a query with the WebAssembly of the index it loaded
   first: an index merged into it (mergeIndex) would be searched with another language's stemmer
   ("للانتخابات" would find nothing from an English page). Every language is searched and the
   results merged by score, as Pagefind merges indexes; "language" is a filter of our own.
   delta/ is merged into base/ of the same language (Pagefind's mergeIndex), and base/'s results
   for pages changed or deleted since (`superseded`) are dropped. Pagefind's UI imports this
   module as it would Pagefind's own. */

const MANIFEST = /*MANIFEST*/{"delta": false, "superseded": [], "changed": [], "sortKeys": {}, "languages": [], "deltaLanguages": []};
const superseded = new Set(MANIFEST.superseded);
const changed = new Set(MANIFEST.changed);
const LANGUAGES = MANIFEST.languages.concat(MANIFEST.deltaLanguages.filter((code) => !MANIFEST.languages.includes(code)));
const LANGUAGE_FILTER = "language";
/* Scripts written right to left (Unicode's, as CLDR lists them): a language's likely script
   (Intl.Locale.maximize) decides the direction its results are shown in. */
const RTL_SCRIPTS = new Set(["Adlm", "Arab", "Aran", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr", "Syrc", "Thaa", "Yezi"]);
let settings = {};
let bundles = null;
let baseSortKeys = null;
let latestSearch = 0;

/* {language, pagefind} for every language, each loaded once, delta/ merged in. */
function ready() {
  if (!bundles) { bundles = Promise.all(LANGUAGES.map(load)); }
  return bundles;
}

async function load(language) {
  const inBase = MANIFEST.languages.includes(language);
  const folder = new URL(`./${inBase ? "base" : "delta"}/${language}/`, import.meta.url);
  const pagefind = await import(new URL("pagefind.js", folder).href);
  await pagefind.options(Object.assign({}, settings));
  await pagefind.init();
  if (inBase && MANIFEST.deltaLanguages.includes(language)) {
    const delta = new URL(`./delta/${language}/`, import.meta.url).pathname;
    await pagefind.mergeIndex(delta, settings.baseUrl ? {baseUrl: settings.baseUrl} : {});
  }
  return {language: language, dir: direction(language), pagefind: pagefind};
}

function direction(language) {
  try {
    return RTL_SCRIPTS.has(new Intl.Locale(language).maximize().script) ? "rtl" : "ltr";
  } catch (error) {
    return "ltr";
  }
}

/* The language's name in the search page's language ("Russian", "русский"), as the filter shows it. */
function languageName(language) {
  try {
    const names = new Intl.DisplayNames([document.documentElement.lang || "en"], {type: "language"});
    return names.of(language) || language;
  } catch (error) {
    return language;
  }
}

export async function options(newSettings) {
  const rest = Object.assign({}, newSettings || {});
  delete rest.basePath;  // each bundle finds its own, beside its pagefind.js
  settings = Object.assign(settings, rest);
  if (bundles) { await Promise.all((await bundles).map((bundle) => bundle.pagefind.options(rest))); }
}

export async function init() { await ready(); }
export async function destroy() {
  if (bundles) { await Promise.all((await bundles).map((bundle) => bundle.pagefind.destroy())); }
  bundles = null;
}
export async function mergeIndex(path, mergeSettings) { return (await ready())[0].pagefind.mergeIndex(path, mergeSettings); }
export async function preload(term, searchSettings) {
  await Promise.all((await ready()).map((bundle) => bundle.pagefind.preload(term, withoutLanguage(searchSettings))));
}

export async function filters() {
  const all = await ready();
  const merged = mergeFilters(await Promise.all(all.map((bundle) => bundle.pagefind.filters())));
  if (all.length > 1) {
    const counts = await Promise.all(all.map(async (bundle) => (await searchBundle(bundle, null, {})).results.length));
    merged[LANGUAGE_FILTER] = languageCounts(all, counts);
  }
  return merged;
}

export async function search(term, searchSettings) {
  searchSettings = searchSettings || {};
  const all = await ready();
  const wanted = chosenLanguages(all, searchSettings);
  const rest = withoutLanguage(searchSettings);
  const found = await Promise.all(all.map((bundle) => searchBundle(bundle, term, rest)));
  if (found.some((one) => !one)) { return null; }
  let results = [];
  found.forEach((one, position) => {
    if (wanted.has(all[position].language)) { results = results.concat(one.results.map(marked(all[position]))); }
  });
  if (all.length > 1) { results.sort((a, b) => b.score - a.score); }
  const sortKey = Object.keys(rest.sort || {})[0];
  if (sortKey && (MANIFEST.delta || all.length > 1)) { await sortBy(results, sortKey, rest.sort[sortKey]); }
  const response = Object.assign({}, found[0], {
    results: results,
    unfilteredResultCount: found.reduce((sum, one) => sum + one.unfilteredResultCount, 0),
    filters: mergeFilters(found.filter((one, position) => wanted.has(all[position].language)).map((one) => one.filters)),
    totalFilters: mergeFilters(found.map((one) => one.totalFilters)),
  });
  if (all.length > 1) {
    response.filters[LANGUAGE_FILTER] = languageCounts(all, found.map((one) => one.results.length));
    response.totalFilters[LANGUAGE_FILTER] = languageCounts(all, found.map((one) => one.unfilteredResultCount));
  }
  return response;
}

/* One language's search: Pagefind's, less base/'s results for pages changed or deleted since. */
async function searchBundle(bundle, term, searchSettings) {
  const found = await bundle.pagefind.search(term, searchSettings);
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
  return Object.assign({}, found, {results: results, unfilteredResultCount: found.unfilteredResultCount - dropped});
}

/* A result that says which language it is in (its data's `language` and `dir`), for the results list. */
function marked(bundle) {
  return (result) => Object.assign({}, result, {
    language: bundle.language,
    data: async () => Object.assign(await result.data(), {language: bundle.language, dir: bundle.dir}),
  });
}

function chosenLanguages(all, searchSettings) {
  const chosen = (searchSettings.filters || {})[LANGUAGE_FILTER];
  const names = [].concat(chosen && typeof chosen === "object" && !Array.isArray(chosen) ? Object.values(chosen).flat() : chosen || []);
  const wanted = all.filter((bundle) => !names.length || names.includes(languageName(bundle.language)));
  return new Set(wanted.map((bundle) => bundle.language));
}

function withoutLanguage(searchSettings) {
  const rest = Object.assign({}, searchSettings || {});
  if (rest.filters && LANGUAGE_FILTER in rest.filters) {
    rest.filters = Object.assign({}, rest.filters);
    delete rest.filters[LANGUAGE_FILTER];
  }
  return rest;
}

function languageCounts(all, counts) {
  const named = {};
  all.forEach((bundle, position) => { named[languageName(bundle.language)] = counts[position]; });
  return named;
}

function mergeFilters(list) {
  const merged = {};
  for (const filters of list) {
    for (const [key, values] of Object.entries(filters || {})) {
      merged[key] = merged[key] || {};
      for (const [value, count] of Object.entries(values)) { merged[key][value] = (merged[key][value] || 0) + count; }
    }
  }
  return merged;
}

/* A word delta/ has never seen makes Pagefind fall back, there, to shorter words it starts with
   ("theocracy" finds every page with "the"; "apple" the metadata "Outlet A"), while base/,
   knowing the word, finds only the pages that have it: so a changed page is kept only if each
   word of the query starts one of its own words, give or take an ending (Pagefind matches
   stems) and, in Arabic or Hebrew script, a prefix of one or two letters (the article, a
   preposition: "الانتخابات" for "انتخابات"). Only changed pages are fetched for this (a few,
   a hundred at most; the results list fetches its first ones anyway). */
function hasEveryWord(data, term) {
  const fold = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").toLowerCase();
  if (/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Thai}]/u.test(term)) {
    return true;  // no spaces between words to compare by
  }
  const words = fold([data.content || ""].concat(Object.values(data.meta || {})).join(" ")).split(/[^\p{L}\p{N}]+/u);
  return fold(term).split(/[^\p{L}\p{N}]+/u).filter(Boolean).every((wanted) => {
    const needed = Math.min(wanted.length, Math.max(3, wanted.length - 5));
    const prefixes = /[\p{Script=Arabic}\p{Script=Hebrew}]/u.test(wanted) ? [0, 1, 2, 3, 4] : [0];
    return words.some((word) => prefixes.some((skip) => sharedStart(word.slice(skip), wanted) >= needed));
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

export async function debouncedSearch(term, searchSettings, waitMs) {
  const mine = ++latestSearch;
  await new Promise((resolve) => setTimeout(resolve, waitMs === undefined ? 300 : waitMs));
  if (mine !== latestSearch) { return null; }
  const found = await search(term, searchSettings);
  return mine === latestSearch ? found : null;
}

/* Merged indexes (delta/ into base/, and every language's) come back ordered by score even when
   a sort was asked for (Pagefind 1.5), so they are ordered again by the sort values site-builder
   read from the pages: base/sort-keys.json (fetched only for such a search) and the changed
   pages' own, in MANIFEST. Pages without the value go last. */
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
