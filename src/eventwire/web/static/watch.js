// The /sources page: polls /api/sources and rewrites its tables, so articles appear as the watcher stores
// them. Everything is inserted with textContent (URLs, titles and reasons come from the web).
"use strict";
(function () {
  const POLL_MS = 5000;

  function time(value) {
    return value ? String(value).slice(0, 19).replace("T", " ") : "";
  }

  function cell(row, text) {
    const td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "" : String(text);
    row.appendChild(td);
    return td;
  }

  function link(td, href, text) {
    td.textContent = "";
    const a = document.createElement("a");
    a.href = href;
    a.textContent = text;
    td.appendChild(a);
  }

  function fill(tableId, items, columns, emptyText, decorate) {
    const body = document.querySelector("#" + tableId + " tbody");
    if (!body) return;
    const rows = [];
    for (const item of items) {
      const tr = document.createElement("tr");
      columns.forEach((column) => cell(tr, column(item)));
      if (decorate) decorate(tr, item);
      rows.push(tr);
    }
    if (!rows.length) {
      const tr = document.createElement("tr");
      const td = cell(tr, emptyText);
      td.colSpan = columns.length;
      td.className = "empty";
      rows.push(tr);
    }
    body.replaceChildren(...rows);
  }

  function render(data) {
    const round = data.round;
    const summary = document.getElementById("watch-round");
    if (summary && round) {
      summary.textContent = "Round " + round.round + " started " + time(round.started_at) + " UTC: " +
        (round.new_urls || 0) + " new URLs, " + (round.stored || 0) + " stored, " + (round.duplicates || 0) +
        " duplicates, " + (round.failed || 0) + " failed.";
    }
    fill("watch-sources", data.items, [
      (s) => s.url, (s) => s.kind || "",
      (s) => (s.last_status || "not fetched") + (s.last_http_status ? " " + s.last_http_status : ""),
      (s) => time(s.last_fetched_at), (s) => s.new_urls_last_round, (s) => s.stored_last_round,
      (s) => s.articles, (s) => s.pending_urls, (s) => s.failing_urls, (s) => s.source_failures,
      (s) => s.last_reason || "",
    ], "No sources are watched in this database.");
    fill("watch-latest", data.latest, [
      (a) => time(a.stored_at), (a) => a.title || a.article_id, (a) => a.outlet || "", (a) => a.num_events,
      (a) => a.url,
    ], "No article stored by the watcher yet.", (tr, a) => {
      link(tr.children[1], "/articles/" + encodeURIComponent(a.article_id), a.title || a.article_id);
    });
    fill("watch-failing", data.failing, [
      (f) => f.url, (f) => f.state, (f) => f.attempts, (f) => f.last_reason || "", (f) => time(f.last_attempt_at),
      (f) => f.retry_round || "",
    ], "No failing pages.");
  }

  async function poll() {
    try {
      const response = await fetch("/api/sources?limit=500", { headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
    } catch (error) {
      // The server is restarting or gone: keep the last tables and try again.
    }
    window.setTimeout(poll, POLL_MS);
  }

  if (document.getElementById("watch-sources")) window.setTimeout(poll, POLL_MS);
})();
