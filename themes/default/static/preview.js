/* Link previews: a small card (title and "outlet · date · stance") for links to other pieces.
   Progressive enhancement: without this script the links and their native title still work.
   The card is built with textContent only, since the text comes from collected articles. */
(function () {
  'use strict';
  var SELECTOR = 'a.internal-link[data-preview]';
  var card = null, current = null, hideTimer = 0;

  function makeCard() {
    var id = 'link-preview';
    for (var n = 1; document.getElementById(id); n += 1) { id = 'link-preview-' + n; }
    card = document.createElement('div');
    card.className = 'link-preview';
    card.id = id;
    card.setAttribute('role', 'tooltip');
    card.hidden = true;
    card.addEventListener('mouseenter', function () { clearTimeout(hideTimer); });
    card.addEventListener('mouseleave', scheduleHide);
    document.body.appendChild(card);
  }

  function place(link) {
    var rects = link.getClientRects();  // the last line of a link that wraps
    var box = rects.length ? rects[rects.length - 1] : link.getBoundingClientRect();
    var view = document.documentElement, height = card.offsetHeight;
    var left = Math.max(8, Math.min(box.left, view.clientWidth - card.offsetWidth - 8));
    var top = box.bottom + 6;
    if (top + height > view.clientHeight && box.top - height - 6 > 0) { top = box.top - height - 6; }
    card.style.left = Math.round(left + window.pageXOffset) + 'px';
    card.style.top = Math.round(top + window.pageYOffset) + 'px';
  }

  function show(link) {
    clearTimeout(hideTimer);
    if (current === link) { return; }
    hide();
    if (!card) { makeCard(); }
    var title = link.getAttribute('title') || link.textContent;
    var heading = document.createElement('strong'), line = document.createElement('span');
    heading.textContent = title;
    line.textContent = link.getAttribute('data-preview');
    card.textContent = '';
    card.appendChild(heading);
    card.appendChild(document.createTextNode(' '));
    card.appendChild(line);
    if (link.hasAttribute('title')) {  // no native tooltip on top of the card
      link.setAttribute('data-preview-title', title);
      link.removeAttribute('title');
    }
    var described = link.getAttribute('aria-describedby');
    link.setAttribute('aria-describedby', described ? described + ' ' + card.id : card.id);
    current = link;
    card.hidden = false;
    place(link);
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!current) { return; }
    var link = current;
    current = null;
    card.hidden = true;
    if (link.hasAttribute('data-preview-title')) {
      link.setAttribute('title', link.getAttribute('data-preview-title'));
      link.removeAttribute('data-preview-title');
    }
    var rest = (link.getAttribute('aria-describedby') || '').split(/\s+/)
      .filter(function (id) { return id && id !== card.id; });
    if (rest.length) { link.setAttribute('aria-describedby', rest.join(' ')); }
    else { link.removeAttribute('aria-describedby'); }
  }

  function scheduleHide() {  // a short delay lets the pointer move onto the card
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 150);
  }

  function linkOf(node) { return node && node.closest ? node.closest(SELECTOR) : null; }
  function onEnter(event) { var link = linkOf(event.target); if (link) { show(link); } }

  document.addEventListener('mouseover', onEnter);
  document.addEventListener('focusin', onEnter);
  document.addEventListener('mouseout', function (event) {
    var link = linkOf(event.target);
    if (link && link === current && !link.contains(event.relatedTarget)) { scheduleHide(); }
  });
  document.addEventListener('focusout', function (event) {
    if (current && linkOf(event.target) === current) { hide(); }
  });
  document.addEventListener('keydown', function (event) {
    if (event.key === 'Escape' || event.key === 'Esc') { hide(); }
  });
  window.addEventListener('resize', hide);
}());
