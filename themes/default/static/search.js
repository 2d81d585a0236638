/* The search page: Pagefind's UI with our filters, a sort choice, a real label on the input,
   and the query from the header's search form (?q=...). Loaded only on /search/. */
(function () {
  'use strict';

  var container = document.getElementById('search');
  var sortSelect = document.getElementById('search-sort');
  if (!container || typeof PagefindUI === 'undefined') { return; }
  var baseUrl = container.getAttribute('data-base-url') || '/';
  var ui = null;

  function labelInput() {
    var input = container.querySelector('input[type="search"], .pagefind-ui__search-input');
    if (!input || input.id === 'search-input') { return input; }
    input.id = 'search-input';
    var label = document.createElement('label');
    label.htmlFor = 'search-input';
    label.className = 'visually-hidden';
    label.textContent = container.getAttribute('data-input-label') || 'Words to search for';
    input.parentNode.insertBefore(label, input);
    return input;
  }

  /* An annotation's note is indexed under a hidden heading of its own (article.html: "Editors' note on
     “…”", id search-note-<id>), so Pagefind makes a match there a sub-result. Shown as such, titled
     whose words they are and linked to the note itself (annotation-<id>); the page's other matches
     make one excerpt under the piece's title, as before, so no note is shown as the outlet's text. */
  var NOTE_ANCHOR = 'search-note-';
  var NOTE_ID = 'annotation-';

  function isNote(sub) {
    return Boolean(sub.anchor && sub.anchor.id && sub.anchor.id.indexOf(NOTE_ANCHOR) === 0);
  }

  function notesApart(result) {
    var subs = Array.isArray(result.sub_results) ? result.sub_results : [];
    var notes = subs.filter(isNote);
    var rest = subs.filter(function (sub) { return !isNote(sub); });
    notes.forEach(function (note) {
      note.url = note.url.replace('#' + NOTE_ANCHOR, '#' + NOTE_ID);
      note.anchor = null;
    });
    if (rest.length || !notes.length) {
      var best = rest.reduce(function (found, sub) {
        return !found || sub.locations.length > found.locations.length ? sub : found;
      }, null);
      if (best) { result.excerpt = best.excerpt; }
      var root = {title: (result.meta && result.meta.title) || '', url: (result.meta && result.meta.url) || result.url,
                  excerpt: result.excerpt, locations: best ? best.locations : []};
      result.sub_results = [root].concat(notes);
    } else {
      result.sub_results = notes;  // the words are in the notes alone: no excerpt of the text
    }
    return result;
  }

  /* Each result's language (pagefind/pagefind.js gives it with the result's data): its title and
     excerpt carry it as lang and dir, so a Russian or Arabic piece found from an English page is
     read, and laid out, in its own language. The UI renders results itself, so they are marked
     once on screen, found by their link. */
  var pageLanguage = (document.documentElement.lang || '').split('-')[0].toLowerCase();
  var languageAt = {};

  function noteLanguage(result) {
    if (result.language && result.language !== pageLanguage) {
      var url = (result.meta && result.meta.url) || result.url;
      languageAt[new URL(url, window.location.href).href] = {lang: result.language, dir: result.dir || 'ltr'};
    }
    return result;
  }

  function markLanguages() {
    container.querySelectorAll('.pagefind-ui__result').forEach(function (item) {
      var link = item.querySelector('.pagefind-ui__result-link');
      var language = link && languageAt[link.href.split('#')[0]];
      if (!language) { return; }
      var title = link.closest('.pagefind-ui__result-title') || link;
      var excerpt = title.parentNode.querySelector(':scope > .pagefind-ui__result-excerpt');
      [title, excerpt].forEach(function (element) {
        if (element && element.getAttribute('lang') !== language.lang) {
          element.setAttribute('lang', language.lang);
          element.setAttribute('dir', language.dir);
        }
      });
    });
  }

  /* Pagefind's UI names a filter group by its key (`outlet`, `language`) and shows its values as
     indexed: the template gives the keys' names in the page's language (data-filter-names), and
     the `yes` of the annotated filter. Each element is relabelled once, remembering its key. */
  var filterNames = {};
  try { filterNames = JSON.parse(container.getAttribute('data-filter-names') || '{}'); } catch (error) { filterNames = {}; }

  function relabel(element, key) {
    if (!filterNames[key] || element.textContent === filterNames[key]) { return; }
    element.setAttribute('data-filter-key', key);
    element.textContent = filterNames[key];
  }

  function nameFilters() {
    container.querySelectorAll('.pagefind-ui__filter-name, .pagefind-ui__filter-group-label').forEach(function (element) {
      relabel(element, element.getAttribute('data-filter-key') || element.textContent.trim().toLowerCase());
    });
    container.querySelectorAll('.pagefind-ui__filter-label').forEach(function (element) {
      if (element.textContent.trim() === 'yes') { relabel(element, 'yes'); }
    });
  }

  function start(term) {
    var options = {
      element: '#search',
      baseUrl: baseUrl,
      showSubResults: true,
      processResult: function (result) { return notesApart(noteLanguage(result)); },
      showImages: false,
      resetStyles: false,
      openFilters: ['language', 'outlet', 'stance'],
      showMetadata: true
    };
    if (sortSelect && sortSelect.value) { options.sort = { date: sortSelect.value }; }
    ui = new PagefindUI(options);
    labelInput();
    new MutationObserver(markLanguages).observe(container, {childList: true, subtree: true});
    new MutationObserver(nameFilters).observe(container, {childList: true, subtree: true});
    if (term) { ui.triggerSearch(term); }
  }

  function currentTerm() {
    var input = container.querySelector('.pagefind-ui__search-input, input[type="search"]');
    return (input && input.value) || initial;
  }

  // The query and the order live in the address (?q=…&sort=desc), so a search can be bookmarked
  // and changing the order reloads with the same words.
  var params = new URLSearchParams(window.location.search);
  var initial = params.get('q') || '';
  if (sortSelect) {
    sortSelect.value = params.get('sort') === 'asc' || params.get('sort') === 'desc' ? params.get('sort') : '';
    sortSelect.addEventListener('change', function () {
      var next = new URLSearchParams();
      if (currentTerm()) { next.set('q', currentTerm()); }
      if (sortSelect.value) { next.set('sort', sortSelect.value); }
      window.location.search = next.toString();
    });
  }
  start(initial);
  var headerInput = document.getElementById('site-search-input');
  if (headerInput) { headerInput.value = initial; }
}());
