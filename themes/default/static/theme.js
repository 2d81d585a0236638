/* Light or dark: the page follows the system's colour scheme (CSS prefers-color-scheme) until the
   reader presses the header's toggle; that choice is remembered in localStorage and applied here,
   in <head> and before the first paint, as <html data-theme="dark|light">, so there is no flash of
   the wrong scheme. Without JavaScript the toggle stays hidden and the system scheme applies. */
(function () {
  'use strict';
  var KEY = 'site-builder-theme';
  var root = document.documentElement;
  var systemDark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;

  function saved() {
    try { return window.localStorage.getItem(KEY); } catch (e) { return null; }  // storage may be off
  }

  function remember(theme) {
    try { window.localStorage.setItem(KEY, theme); } catch (e) { /* the choice lasts for this page */ }
  }

  function isDark() {
    var theme = root.getAttribute('data-theme');
    if (theme) { return theme === 'dark'; }
    return !!(systemDark && systemDark.matches);
  }

  function showState(button) {
    button.setAttribute('aria-pressed', isDark() ? 'true' : 'false');
  }

  var choice = saved();
  if (choice === 'dark' || choice === 'light') { root.setAttribute('data-theme', choice); }

  document.addEventListener('DOMContentLoaded', function () {
    var button = document.querySelector('.theme-toggle');
    if (!button) { return; }
    showState(button);
    button.hidden = false;
    button.addEventListener('click', function () {
      var next = isDark() ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      remember(next);
      showState(button);
    });
    if (systemDark && systemDark.addEventListener) {
      systemDark.addEventListener('change', function () { showState(button); });
    }
  });
}());
