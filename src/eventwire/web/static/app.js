// eventwire: shows the record behind a highlighted span of an article. Builds DOM nodes with textContent only
// (never innerHTML), so text from articles can't become markup.
(function () {
  "use strict";
  var recordsNode = document.getElementById("records");
  var panel = document.getElementById("record-panel");
  if (!recordsNode || !panel) { return; }
  var records = JSON.parse(recordsNode.textContent);

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }

  function actorLink(key, label) {
    var a = el("a", null, label);
    a.href = "/actors/" + encodeURIComponent(key);
    return a;
  }

  function fields(list) {
    var dl = el("dl");
    list.forEach(function (pair) {
      var value = pair[1];
      if (value === null || value === undefined || value === "") { return; }
      dl.appendChild(el("dt", null, pair[0]));
      var dd = el("dd");
      if (value instanceof Node) { dd.appendChild(value); } else { dd.textContent = String(value); }
      dl.appendChild(dd);
    });
    return dl;
  }

  function card(ref) {
    var r = records[ref];
    if (!r) { return null; }
    var box = el("div", "record kind-" + r.kind);
    box.dataset.ref = ref;
    if (r.kind === "quote") {
      box.appendChild(el("h3", null, "Quote (" + r.quote_kind + ")" + (r.anonymous ? " · anonymous source" : "")));
      var speaker = r.speaker || "unknown";
      box.appendChild(fields([
        ["Speaker", r.speaker_key ? actorLink(r.speaker_key, speaker) : speaker],
        ["As written", r.speaker_text !== r.speaker ? r.speaker_text : null],
        ["Cue", r.cue], ["Channel", r.channel], ["Text", r.text]
      ]));
    } else if (r.kind === "event") {
      box.appendChild(el("h3", null, "Event " + r.event + (r.mode ? "/" + r.mode : "")));
      box.appendChild(fields([
        ["Source", r.actor], ["Target", r.recipient], ["Date", r.date ? r.date + (r.date_text ? " (“" + r.date_text + "”)" : "") : null],
        ["Modality", r.modality], ["CAMEO", r.cameo], ["Quad", r.quad], ["Goldstein", r.goldstein],
        ["Location", r.location], ["Reported by", r.reported_by ? "quote " + r.reported_by : null],
        ["Magnitudes", r.magnitudes]
      ]));
    } else {
      box.appendChild(el("h3", null, "Actor" + (r.anonymous ? " · anonymous" : "")));
      box.appendChild(fields([
        ["Name", r.key ? actorLink(r.key, r.name) : r.name], ["Kind", r.actor_kind], ["Role", r.role],
        ["Country", r.country], ["Sector", r.sector], ["KB id", r.kb_id]
      ]));
    }
    return box;
  }

  var selected = null;
  function show(span) {
    if (selected) { selected.classList.remove("selected"); }
    selected = span;
    span.classList.add("selected");
    panel.replaceChildren();
    span.dataset.refs.split(" ").forEach(function (ref) {
      var node = card(ref);
      if (node) { panel.appendChild(node); }
    });
  }

  document.querySelectorAll(".article-text .hl").forEach(function (span) {
    span.addEventListener("click", function () { show(span); });
    span.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); show(span); }
    });
  });
})();
