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
    label.textContent = 'Words to search for';
    input.parentNode.insertBefore(label, input);
    return input;
  }

  function start(term) {
    var options = {
      element: '#search',
      baseUrl: baseUrl,
      showSubResults: false,
      showImages: false,
      resetStyles: false,
      openFilters: ['outlet', 'stance'],
      showMetadata: true
    };
    if (sortSelect && sortSelect.value) { options.sort = { date: sortSelect.value }; }
    ui = new PagefindUI(options);
    labelInput();
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
