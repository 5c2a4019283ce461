"""The inline stylesheet and script of the HTML report (no external resources)."""

from __future__ import annotations

STYLE = """
:root { --major: #c62828; --minor: #b26a00; --ink: #1d1d1f; --muted: #666; }
* { box-sizing: border-box; }
body { font: 15px/1.55 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); margin: 0 1.5rem 3rem; }
header { border-bottom: 1px solid #ddd; padding: .6rem 0; margin-bottom: .6rem; }
h1 { font-size: 1.25rem; margin: .2rem 0; }
h2 { font-size: 1.05rem; margin: .6rem 0; }
.verdict { margin: .2rem 0 .5rem; font-weight: 600; }
.figures { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; }
.figure span { color: var(--muted); margin-right: .35rem; font-size: .85rem; }
.legend { color: var(--muted); font-size: .85rem; margin: .4rem 0 0; }
details pre { max-height: 16rem; overflow: auto; font-size: .75rem; background: #f6f6f6; padding: .5rem; }
.texts { display: grid; grid-template-columns: 1fr 1fr; gap: 2rem; }
.side p { margin: 0 0 .8rem; }
.sent { border-radius: 3px; padding: 1px 2px; background: hsl(var(--hue) 70% 94%);
  border-bottom: 2px solid hsl(var(--hue) 55% 70%); cursor: pointer; outline: none; }
.sent.unaligned { background: #f1f1f1; border-bottom: 2px dashed #999; }
.sent.label-boilerplate, .sent.label-repeat { background: transparent; border-bottom: 1px dotted #bbb;
  color: var(--muted); }
.sent.active, .sent.pinned, .sent:focus { background: hsl(var(--hue) 85% 80%);
  box-shadow: 0 0 0 2px hsl(var(--hue) 60% 45%); }
.unit-label { color: var(--muted); font-style: italic; }
.sent.label-garbled .unit-label { color: var(--major); font-weight: 600; }
.sid { color: var(--muted); font-size: .65rem; margin-right: 1px; }
.links { font-size: .65rem; }
.links a { color: hsl(var(--hue) 60% 30%); margin-left: 2px; }
.badge { background: #555; color: #fff; border-radius: 3px; padding: 0 3px; text-decoration: none; }
a.badge { background: var(--minor); }
.badge.neutral { background: #e2e2e2; color: #555; }
mark.flag { position: relative; background: transparent; color: inherit; border-bottom: 3px solid; outline: none; }
mark.sev-major { border-color: var(--major); background: #ffdede; }
mark.sev-minor { border-color: var(--minor); background: #fff0cc; }
mark.kind-addition, mark.kind-boilerplate { background: transparent; border-bottom: 2px dotted; }
.signature { font-size: .75rem; color: var(--muted); }
mark.insertion { font-weight: 700; color: var(--major); padding: 0 2px; }
mark.flag.pulse { box-shadow: 0 0 0 3px #1565c0; }
.tip { display: none; position: absolute; left: 0; top: 1.6em; z-index: 10; width: 24rem; max-width: 80vw;
  background: #222; color: #fff; padding: .45rem .6rem; border-radius: 4px; font-size: .8rem; font-weight: 400; }
.tip-flag { display: block; margin-bottom: .3rem; }
.tip q { color: #9fe09f; }
mark.flag:hover > .tip, mark.flag:focus > .tip { display: block; }
#flags table { border-collapse: collapse; width: 100%; font-size: .85rem; }
#flags th, #flags td { text-align: left; border-bottom: 1px solid #e3e3e3; padding: .25rem .4rem; vertical-align: top; }
#flags tr.flag-row { cursor: pointer; }
#flags tr.flag-row:hover, #flags tr.flag-row:focus { background: #eef4ff; }
#flags tr.sev-major td:nth-child(3) { color: var(--major); font-weight: 600; }
.filters { display: flex; flex-wrap: wrap; gap: .3rem .9rem; margin-bottom: .5rem; font-size: .85rem; }
.w.w-on { background: #1565c0; color: #fff; border-radius: 2px; }
@media (max-width: 900px) { .texts { grid-template-columns: 1fr; } }
"""

SCRIPT = """
(function () {
  function members(sentence) {
    if (sentence.dataset.unit === 'None') { return [sentence]; }
    return Array.from(document.querySelectorAll('.sent[data-unit="' + sentence.dataset.unit + '"]'));
  }
  function light(sentence, on) {
    members(sentence).forEach(function (s) { s.classList.toggle('active', on); });
  }
  function inView(element) {
    var box = element.getBoundingClientRect();
    return box.bottom > 0 && box.top < window.innerHeight;
  }
  function unpin() {
    document.querySelectorAll('.sent.pinned').forEach(function (s) { s.classList.remove('pinned'); });
  }
  // A click (or Enter, Space) pins the unit and brings the counterpart into view if it is off screen;
  // on the counterpart it brings the first sentence back. Escape unpins.
  function pin(sentence) {
    unpin();
    members(sentence).forEach(function (s) { s.classList.add('pinned'); });
    var other = sentence.dataset.side === 'copy' ? 'reference' : 'copy';
    var twin = members(sentence).filter(function (s) { return s.dataset.side === other; })[0];
    if (twin && !inView(twin)) { twin.scrollIntoView({block: 'center'}); }
  }
  document.addEventListener('keydown', function (event) { if (event.key === 'Escape') { unpin(); } });
  document.querySelectorAll('.sent').forEach(function (sentence) {
    sentence.addEventListener('mouseenter', function () { light(sentence, true); });
    sentence.addEventListener('mouseleave', function () { light(sentence, false); });
    sentence.addEventListener('focusin', function () { light(sentence, true); });
    sentence.addEventListener('focusout', function (event) {
      if (!sentence.contains(event.relatedTarget)) { light(sentence, false); }
    });
    sentence.addEventListener('click', function (event) {
      if (event.target.closest('a, mark.flag')) { return; }  // links jump; a flag shows its tip
      pin(sentence);
    });
    sentence.addEventListener('keydown', function (event) {
      if (event.target === sentence && (event.key === 'Enter' || event.key === ' ')) {
        event.preventDefault();
        pin(sentence);
      }
    });
  });
  // Hovering an aligned word lights up the words linked to it, on both sides.
  function lightWords(word, on) {
    word.dataset.w.split(' ').forEach(function (id) {
      document.querySelectorAll('.w[data-w~="' + id + '"]').forEach(function (w) { w.classList.toggle('w-on', on); });
    });
  }
  document.querySelectorAll('.w').forEach(function (word) {
    word.addEventListener('mouseenter', function () { lightWords(word, true); });
    word.addEventListener('mouseleave', function () { lightWords(word, false); });
  });
  // Keep a flag's tip inside the window: shift it left when it would run past the right edge.
  function placeTip(mark) {
    var tip = mark.querySelector(':scope > .tip');
    if (!tip) { return; }
    tip.style.left = '0px';
    var box = tip.getBoundingClientRect();
    var limit = document.documentElement.clientWidth - 8;
    var shift = Math.max(0, box.right - limit);
    shift = Math.min(shift, box.left - 8);
    if (shift > 0) { tip.style.left = (-shift) + 'px'; }
  }
  document.querySelectorAll('mark.flag').forEach(function (mark) {
    mark.addEventListener('mouseenter', function () { placeTip(mark); });
    mark.addEventListener('focus', function () { placeTip(mark); });
  });
  function applyFilters() {
    var kinds = Array.from(document.querySelectorAll('.kind-filter:checked')).map(function (b) { return b.value; });
    var severity = document.getElementById('severity-filter').value;
    var text = document.getElementById('text-filter').value.toLowerCase();
    document.querySelectorAll('tr.flag-row').forEach(function (row) {
      var words = Array.from(row.cells).slice(1).map(function (c) { return c.textContent; }).join(' ');
      var shown = kinds.indexOf(row.dataset.kind) >= 0 && (!severity || row.dataset.severity === severity) &&
        (!text || words.toLowerCase().indexOf(text) >= 0);
      row.hidden = !shown;
    });
  }
  document.querySelectorAll('.kind-filter, #severity-filter, #text-filter').forEach(function (control) {
    control.addEventListener('input', applyFilters);
    control.addEventListener('change', applyFilters);
  });
  function jump(row) {
    var target = document.querySelector('mark.flag[data-flags~="' + row.dataset.flag + '"]');
    if (!target) { return; }
    target.scrollIntoView({block: 'center'});
    target.focus({preventScroll: true});
    target.classList.add('pulse');
    setTimeout(function () { target.classList.remove('pulse'); }, 1500);
  }
  document.querySelectorAll('tr.flag-row').forEach(function (row) {
    row.addEventListener('click', function () { jump(row); });
    row.addEventListener('keydown', function (event) { if (event.key === 'Enter') { jump(row); } });
  });
})();
"""
