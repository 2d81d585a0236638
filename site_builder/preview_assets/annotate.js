/* Annotating from the preview (site-builder serve only: this file is never part of build/).
   Select words of the outlet's text, write a note, and it is saved into the piece's file by the
   preview server (site_builder/annotate.py), which then reloads the page with the note.
   By keyboard: "Annotate a passage" lets the caret move in the text (arrow keys), Shift and the
   arrows select, Enter annotates the selection. Each note has an "Edit or delete" button; a
   click on a highlighted passage or a note offers the same.
   Everything shown is built with textContent: notes and quotes come from files and pages. */
(function () {
  'use strict';
  var script = document.querySelector('script[data-annotate]');
  var text = document.querySelector('.article-text');
  if (!script || !text || !window.fetch) { return; }
  var settings = JSON.parse(script.getAttribute('data-annotate'));
  // Not the outlet's words (as site_builder.annotations.plain_text leaves them out), or ours.
  var SKIP = ['voice-label', 'sidenote', 'annotations-heading', 'footnote-backref', 'annotation-note',
              'annotation-ref', 'annotate-ui'];
  var FOCUS_KEY = 'site-builder-annotate-focus';
  var chosen = null;  // the last selection in the text: {exact, start}
  var editingId = null;  // the note being edited, null for a new one
  var dirty = false;  // the form holds words not saved yet
  var keyboardMode = false;
  var ui = {};

  function element(tag, attributes, content) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (content) { node.textContent = content; }
    return node;
  }

  // --- the selection, as the server counts the text ------------------------------------------
  function skipped(node) {
    for (var parent = node.parentNode; parent && parent !== text; parent = parent.parentNode) {
      for (var i = 0; i < SKIP.length; i += 1) {
        if (parent.classList && parent.classList.contains(SKIP[i])) { return true; }
      }
    }
    return false;
  }

  function textNodes() {
    var walker = document.createTreeWalker(text, NodeFilter.SHOW_TEXT, null), nodes = [], node;
    while ((node = walker.nextNode())) {
      if (!skipped(node)) { nodes.push(node); }
    }
    return nodes;
  }

  function selectionInText() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) { return null; }
    var range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) { return null; }
    var offset = 0, start = -1, exact = '';
    textNodes().forEach(function (node) {
      if (range.intersectsNode(node)) {
        var from = node === range.startContainer ? range.startOffset : 0;
        var to = node === range.endContainer ? range.endOffset : node.data.length;
        if (start < 0) { start = offset + from; }
        exact += node.data.slice(from, to);
      }
      offset += node.data.length;
    });
    return exact.trim() ? {exact: exact, start: Math.max(0, start), range: range} : null;
  }

  // --- talking to the preview server --------------------------------------------------------
  function send(request) {
    request.slug = settings.slug;
    request.sha256 = settings.sha256;
    return fetch(settings.endpoint, {
      method: 'POST', credentials: 'same-origin', body: JSON.stringify(request),
      headers: {'Content-Type': 'application/json', 'X-Site-Builder-Token': settings.token}
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (!response.ok) { throw new Error(answer.error || 'The preview refused it (' + response.status + ').'); }
        return answer;
      });
    });
  }

  function saved(answer, focusId) {
    dirty = false;
    if (!answer.changed) { say(answer.message + '.'); return; }
    say(answer.message + '. The page reloads with it.');
    if (focusId) { sessionStorage.setItem(FOCUS_KEY, focusId); }
    // The preview reloads the page once it has rebuilt it. That reload is lost if it comes while
    // the page is not listening (a slow rebuild on a busy machine), so the page also asks, once a
    // second, for itself as served now: made from another version of the file, it reloads.
    setTimeout(reloadOnceRebuilt, 1000);
  }

  function reloadOnceRebuilt() {
    fetch(window.location.href, {cache: 'no-store', credentials: 'same-origin'}).then(function (response) {
      return response.text();
    }).then(function (page) {
      if (page.indexOf(settings.sha256) === -1) { window.location.reload(); } else { setTimeout(reloadOnceRebuilt, 1000); }
    }, function () { setTimeout(reloadOnceRebuilt, 1000); });
  }

  function say(message) { ui.status.textContent = message; }

  // --- the controls -------------------------------------------------------------------------
  function build() {
    var bar = element('div', {'class': 'annotate-bar annotate-ui'});
    ui.mode = element('button', {type: 'button', 'aria-pressed': 'false'}, 'Annotate a passage');
    ui.status = element('p', {'class': 'annotate-status', role: 'status'});
    bar.appendChild(ui.mode);
    bar.appendChild(ui.status);
    text.parentNode.insertBefore(bar, text);
    ui.mode.addEventListener('click', function () { setKeyboardMode(!keyboardMode); });

    ui.annotate = element('button', {type: 'button', 'class': 'annotate-button annotate-ui', hidden: ''}, 'Annotate');
    text.parentNode.insertBefore(ui.annotate, text.nextSibling);
    ui.annotate.addEventListener('mousedown', function (event) { event.preventDefault(); });  // keep the selection
    ui.annotate.addEventListener('click', function () { if (chosen) { openForm(null, chosen.exact); } });

    ui.menu = element('div', {'class': 'annotate-menu annotate-ui', role: 'group', hidden: ''});
    ui.edit = element('button', {type: 'button'}, 'Edit');
    ui.remove = element('button', {type: 'button'}, 'Delete');
    ui.menu.appendChild(ui.edit);
    ui.menu.appendChild(ui.remove);
    (text.closest('main') || document.body).appendChild(ui.menu);  // inside a landmark, like all content
    ui.edit.addEventListener('click', function () { editNote(ui.menu.getAttribute('data-annotation')); });
    ui.remove.addEventListener('click', function () { deleteNote(ui.menu.getAttribute('data-annotation')); });
    ui.menu.addEventListener('keydown', function (event) { if (event.key === 'Escape') { closeMenu(true); } });
    ui.menu.addEventListener('focusout', function (event) {
      if (!ui.menu.contains(event.relatedTarget)) { closeMenu(false); }
    });
    buildForm();
    text.querySelectorAll('.annotation-note[data-annotation]').forEach(addNoteButton);
  }

  function buildForm() {
    var dialog = ui.dialog = element('dialog', {'class': 'annotate-dialog annotate-ui', 'aria-labelledby': 'annotate-title'});
    var form = element('form');
    ui.title = element('h2', {id: 'annotate-title'}, 'Annotate');
    ui.quote = element('p', {'class': 'annotate-quote'});
    ui.note = element('textarea', {id: 'annotate-note', rows: '6', 'aria-describedby': 'annotate-note-help'});
    var noteHelp = element('p', {id: 'annotate-note-help', 'class': 'annotate-help'},
                           'Markdown. Saved in the piece\'s file' + (settings.annotator ? ', signed ' + settings.annotator : '') + '.');
    ui.kind = element('select', {id: 'annotate-kind'});
    settings.kinds.forEach(function (kind) {
      ui.kind.appendChild(element('option', {value: kind[0]}, kind[0] + (kind[1] ? ': ' + kind[1] : '')));
    });
    ui.tags = element('input', {id: 'annotate-tags', type: 'text', 'aria-describedby': 'annotate-tags-help'});
    var tagsHelp = element('p', {id: 'annotate-tags-help', 'class': 'annotate-help'}, 'Separated by commas; may be left empty.');
    ui.error = element('p', {'class': 'annotate-error', role: 'alert'});
    var actions = element('div', {'class': 'annotate-actions'});
    ui.save = element('button', {type: 'submit'}, 'Save');
    var cancel = element('button', {type: 'button'}, 'Cancel');
    actions.appendChild(ui.save);
    actions.appendChild(cancel);
    [ui.title, ui.quote, element('label', {'for': 'annotate-note'}, 'Note'), ui.note, noteHelp,
     element('label', {'for': 'annotate-kind'}, 'Kind'), ui.kind,
     element('label', {'for': 'annotate-tags'}, 'Tags'), ui.tags, tagsHelp, ui.error, actions
    ].forEach(function (part) { form.appendChild(part); });
    dialog.appendChild(form);
    document.body.appendChild(dialog);
    form.addEventListener('submit', function (event) { event.preventDefault(); submit(); });
    form.addEventListener('input', function () { dirty = true; });
    cancel.addEventListener('click', function () { dirty = false; dialog.close(); });
    dialog.addEventListener('close', function () { if (ui.returnFocus) { ui.returnFocus.focus(); } });
    window.addEventListener('beforeunload', function (event) {
      if (dirty && dialog.open) { event.preventDefault(); event.returnValue = ''; }
    });
  }

  function addNoteButton(note) {
    var number = note.querySelector('.annotation-number');
    var button = element('button', {type: 'button', 'class': 'annotate-note-button annotate-ui',
                                    'data-annotation': note.getAttribute('data-annotation')}, 'Edit or delete');
    button.appendChild(element('span', {'class': 'visually-hidden'}, ' note ' + (number ? number.textContent : '')));
    (note.querySelector('.annotation-label') || note).appendChild(button);
    button.addEventListener('click', function () { openMenu(button.getAttribute('data-annotation'), button); });
  }

  // --- a new note ---------------------------------------------------------------------------
  function showAnnotateButton() {
    var found = selectionInText();
    if (!found) {
      if (document.activeElement !== ui.annotate) { ui.annotate.hidden = true; chosen = null; }
      return;
    }
    chosen = found;
    var rects = found.range.getClientRects();
    var box = rects.length ? rects[rects.length - 1] : found.range.getBoundingClientRect();
    ui.annotate.hidden = false;
    var width = document.documentElement.clientWidth;
    ui.annotate.style.left = Math.round(Math.min(box.right, width - ui.annotate.offsetWidth - 8) + window.pageXOffset) + 'px';
    ui.annotate.style.top = Math.round(box.bottom + 6 + window.pageYOffset) + 'px';
  }

  function openForm(annotationId, quote, values) {
    editingId = annotationId;
    ui.returnFocus = annotationId ? document.querySelector('.annotate-note-button[data-annotation="' +
                                                           CSS.escape(annotationId) + '"]') : (keyboardMode ? text : ui.mode);
    ui.title.textContent = annotationId ? 'Edit the note' : 'Annotate';
    ui.quote.textContent = '';
    ui.quote.appendChild(element('span', {'class': 'annotate-quote-label'}, 'Passage: '));
    ui.quote.appendChild(element('q', {}, quote.replace(/\s+/g, ' ').trim()));
    ui.note.value = values ? values.note.replace(/\n$/, '') : '';
    ui.kind.value = values ? values.kind : settings.defaultKind;
    ui.tags.value = values ? values.tags.join(', ') : '';
    ui.error.textContent = '';
    ui.save.disabled = false;
    dirty = false;
    ui.dialog.showModal();
    ui.note.focus();
  }

  function submit() {
    if (!ui.note.value.trim()) { ui.error.textContent = 'Write the note first.'; ui.note.focus(); return; }
    var request = {action: editingId ? 'edit' : 'add', note: ui.note.value, kind: ui.kind.value, tags: ui.tags.value};
    if (editingId) { request.id = editingId; } else { request.exact = chosen.exact; request.start = chosen.start; }
    ui.save.disabled = true;
    ui.error.textContent = '';
    send(request).then(function (answer) {
      saved(answer, answer.id);
      ui.returnFocus = null;
      ui.dialog.close();
    }, function (error) {
      ui.save.disabled = false;
      ui.error.textContent = error.message;
    });
  }

  // --- keyboard selection ---------------------------------------------------------------------
  // The text becomes a caret-browsable area: the caret moves, nothing can be typed into it.
  function setKeyboardMode(on) {
    keyboardMode = on;
    ui.mode.setAttribute('aria-pressed', on ? 'true' : 'false');
    if (!on) {
      text.removeAttribute('contenteditable');
      say('');
      return;
    }
    text.setAttribute('contenteditable', 'true');
    text.setAttribute('spellcheck', 'false');
    say('Move in the text with the arrow keys, select words with Shift and the arrow keys, then press Enter to ' +
        'annotate them. Escape ends the selecting.');
    text.focus();
    var first = textNodes().filter(function (node) { return node.data.trim(); })[0];
    if (first) { window.getSelection().collapse(first, first.data.search(/\S/)); }
  }

  text.addEventListener('beforeinput', function (event) { if (keyboardMode) { event.preventDefault(); } });
  ['paste', 'drop', 'cut'].forEach(function (name) {
    text.addEventListener(name, function (event) { if (keyboardMode) { event.preventDefault(); } });
  });
  text.addEventListener('keydown', function (event) {
    if (!keyboardMode) { return; }
    if (event.key === 'Escape') { event.preventDefault(); setKeyboardMode(false); ui.mode.focus(); }
    if (event.key === 'Enter') {
      event.preventDefault();
      var found = selectionInText();
      if (found) { chosen = found; openForm(null, found.exact); } else { say('Select some words first (Shift and the arrow keys).'); }
    }
  });

  // --- an existing note: edit or delete ------------------------------------------------------
  function openMenu(annotationId, near) {
    var number = document.querySelector('#annotation-' + CSS.escape(annotationId) + ' .annotation-number');
    ui.menu.setAttribute('data-annotation', annotationId);
    ui.menu.setAttribute('aria-label', 'Note ' + (number ? number.textContent : ''));
    ui.menuOpener = near;
    ui.menu.hidden = false;
    var box = near.getBoundingClientRect();
    ui.menu.style.left = Math.round(Math.max(8, Math.min(box.left, document.documentElement.clientWidth -
                                                                     ui.menu.offsetWidth - 8)) + window.pageXOffset) + 'px';
    ui.menu.style.top = Math.round(box.bottom + 4 + window.pageYOffset) + 'px';
    ui.edit.focus();
  }

  function closeMenu(returnFocus) {
    if (ui.menu.hidden) { return; }
    ui.menu.hidden = true;
    if (returnFocus && ui.menuOpener && ui.menuOpener.focus) { ui.menuOpener.focus(); }
  }

  function editNote(annotationId) {
    closeMenu(false);
    send({action: 'read', id: annotationId}).then(function (values) {
      openForm(annotationId, values.quote, values);
    }, function (error) { say(error.message); });
  }

  function deleteNote(annotationId) {
    closeMenu(false);
    if (!window.confirm('Delete this note? It is removed from the piece\'s file.')) { return; }
    send({action: 'delete', id: annotationId}).then(function (answer) { saved(answer, null); },
                                                  function (error) { say(error.message); });
  }

  document.addEventListener('click', function (event) {
    var target = event.target;
    if (!text.contains(target) || keyboardMode || target.closest('a, button')) { return; }
    var selection = window.getSelection();
    if (selection && !selection.isCollapsed) { return; }  // selecting words, not choosing a note
    var annotated = target.closest('mark.annotation-mark, .annotation-note');
    if (annotated) { openMenu(annotated.getAttribute('data-annotation'), annotated); }
  });

  var pending = 0;
  document.addEventListener('selectionchange', function () {
    clearTimeout(pending);
    pending = setTimeout(showAnnotateButton, 120);
  });

  build();
  var focusId = sessionStorage.getItem(FOCUS_KEY);
  if (focusId) {
    sessionStorage.removeItem(FOCUS_KEY);
    var button = document.querySelector('.annotate-note-button[data-annotation="' + CSS.escape(focusId) + '"]');
    if (button) { button.focus(); button.scrollIntoView({block: 'center'}); say('Saved: your note is below the passage, highlighted.'); }
  }
}());
