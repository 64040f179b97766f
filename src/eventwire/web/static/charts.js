// eventwire charts, drawn as inline SVG by this file alone (no library, no network).
// Timeline: stacked bars of event counts per quad class per period, with the mean Goldstein score as a line.
// Network: the actor in the middle, its counterparts on a circle; line width = events, colour = mean Goldstein.
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var QUADS = [
    { key: "quad1", label: "verbal cooperation", color: "#81c784" },
    { key: "quad2", label: "material cooperation", color: "#2e7d32" },
    { key: "quad3", label: "verbal conflict", color: "#ef9a9a" },
    { key: "quad4", label: "material conflict", color: "#c62828" }
  ];

  function svgEl(tag, attrs, text) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = String(text); }
    return node;
  }

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function goldsteinColor(g) {
    if (g === null || g === undefined) { return "#9e9e9e"; }
    var t = Math.max(-1, Math.min(1, g / 10));
    return t >= 0 ? "rgb(" + Math.round(160 - 114 * t) + "," + Math.round(160 - 35 * t) + "," + Math.round(160 - 110 * t) + ")"
                  : "rgb(" + Math.round(160 + 38 * -t) + "," + Math.round(160 - 120 * -t) + "," + Math.round(160 - 120 * -t) + ")";
  }

  function drawTimeline(svg, data) {
    var periods = data.periods || [];
    var width = svg.clientWidth || 900, height = svg.clientHeight || 340;
    var m = { top: 28, right: 48, bottom: 48, left: 44 };
    var w = width - m.left - m.right, h = height - m.top - m.bottom;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.replaceChildren();
    if (!periods.length) {
      svg.appendChild(svgEl("text", { x: width / 2, y: height / 2, "text-anchor": "middle", "class": "no-data" }, "No dated factual events"));
      return;
    }
    // Weighted by fatalities: one bar per period, the number killed its events report.
    var killed = data.weight === "killed";
    var series = killed ? [{ key: "killed", label: "killed (reported)", color: "#6d0f0f" }] : QUADS;
    var measure = killed ? "killed" : "events";
    var maxCount = Math.max.apply(null, periods.map(function (p) { return p[measure] || 0; }).concat([1]));
    var band = w / periods.length, barW = Math.max(2, band * 0.7);
    var y = function (v) { return m.top + h - (v / maxCount) * h; };
    var gy = function (g) { return m.top + h / 2 - (g / 10) * (h / 2); };
    var plot = svgEl("g", { "class": "bars" });
    periods.forEach(function (p, i) {
      var x = m.left + i * band + (band - barW) / 2, base = 0;
      series.forEach(function (q) {
        var n = p[q.key] || 0;
        if (!n) { return; }
        var rect = svgEl("rect", { x: x, y: y(base + n), width: barW, height: y(base) - y(base + n), fill: q.color, "class": "bar " + q.key });
        rect.appendChild(svgEl("title", {}, p.period + ": " + n + " " + q.label));
        plot.appendChild(rect);
        base += n;
      });
    });
    svg.appendChild(plot);
    // Axes: counts on the left, Goldstein (-10..10) on the right, periods below (thinned to fit).
    var axis = svgEl("g", { "class": "axis" });
    axis.appendChild(svgEl("line", { x1: m.left, y1: m.top + h, x2: m.left + w, y2: m.top + h }));
    axis.appendChild(svgEl("line", { x1: m.left, y1: m.top, x2: m.left, y2: m.top + h }));
    [0, Math.ceil(maxCount / 2), maxCount].forEach(function (v) {
      axis.appendChild(svgEl("text", { x: m.left - 6, y: y(v) + 4, "text-anchor": "end" }, v));
    });
    [-10, 0, 10].forEach(function (g) {
      axis.appendChild(svgEl("text", { x: m.left + w + 6, y: gy(g) + 4 }, g));
    });
    axis.appendChild(svgEl("line", { x1: m.left, y1: gy(0), x2: m.left + w, y2: gy(0), "stroke-dasharray": "3 3", opacity: 0.5 }));
    var step = Math.ceil(periods.length / Math.max(1, Math.floor(w / 70)));
    periods.forEach(function (p, i) {
      if (i % step === 0) {
        axis.appendChild(svgEl("text", { x: m.left + i * band + band / 2, y: m.top + h + 16, "text-anchor": "middle" }, p.period));
      }
    });
    axis.appendChild(svgEl("text", { x: m.left, y: 14 }, measure));
    axis.appendChild(svgEl("text", { x: m.left + w + 6, y: 14, "text-anchor": "end" }, "Goldstein"));
    svg.appendChild(axis);
    var points = [];
    periods.forEach(function (p, i) {
      if (p.goldstein !== null && p.goldstein !== undefined) { points.push([m.left + i * band + band / 2, gy(p.goldstein), p]); }
    });
    if (points.length) {
      svg.appendChild(svgEl("polyline", { points: points.map(function (pt) { return pt[0] + "," + pt[1]; }).join(" "),
                                          fill: "none", stroke: "#1d2330", "stroke-width": 2, "class": "goldstein-line" }));
      points.forEach(function (pt) {
        var dot = svgEl("circle", { cx: pt[0], cy: pt[1], r: 3, fill: "#1d2330", "class": "goldstein-point" });
        dot.appendChild(svgEl("title", {}, pt[2].period + ": mean Goldstein " + pt[2].goldstein));
        svg.appendChild(dot);
      });
    }
    var legend = svgEl("g", { "class": "legend" });
    series.forEach(function (q, i) {
      var lx = m.left + i * 150;
      legend.appendChild(svgEl("rect", { x: lx, y: height - 14, width: 10, height: 10, fill: q.color }));
      legend.appendChild(svgEl("text", { x: lx + 14, y: height - 5 }, q.label));
    });
    svg.appendChild(legend);
  }

  function drawNetwork(svg, data) {
    var nodes = data.nodes || [];
    var width = svg.clientWidth || 700, height = svg.clientHeight || 340;
    svg.setAttribute("viewBox", "0 0 " + width + " " + height);
    svg.replaceChildren();
    // An ellipse uses the wide chart area; labels need room at the sides.
    var cx = width / 2, cy = height / 2, ry = height / 2 - 40, rx = Math.max(ry, Math.min(width / 2 - 120, 2.2 * ry));
    var maxEvents = Math.max.apply(null, nodes.map(function (n) { return n.events; }).concat([1]));
    var edges = svgEl("g", { "class": "edges" }), dots = svgEl("g", { "class": "nodes" });
    nodes.forEach(function (n, i) {
      var angle = (2 * Math.PI * i) / nodes.length - Math.PI / 2;
      var x = cx + rx * Math.cos(angle), y = cy + ry * Math.sin(angle);
      var line = svgEl("line", { x1: cx, y1: cy, x2: x, y2: y, stroke: goldsteinColor(n.goldstein),
                                 "stroke-width": 1 + 7 * n.events / maxEvents, "class": "edge" });
      line.appendChild(svgEl("title", {}, n.name + ": " + n.events + " events, mean Goldstein " + n.goldstein));
      edges.appendChild(line);
      var group = svgEl("g", { "class": "node" });
      group.appendChild(svgEl("circle", { cx: x, cy: y, r: 7, fill: "#fff", stroke: "#2456a6", "stroke-width": 2 }));
      group.appendChild(svgEl("text", { x: x, y: y + (y < cy ? -12 : 20), "text-anchor": "middle" }, n.name));
      if (n.href) {
        var link = svgEl("a", { href: n.href });  // a relative path built by the server, never article text
        link.appendChild(group);
        dots.appendChild(link);
      } else {
        dots.appendChild(group);
      }
    });
    svg.appendChild(edges);
    svg.appendChild(dots);
    svg.appendChild(svgEl("circle", { cx: cx, cy: cy, r: 10, fill: "#2456a6", "class": "center" }));
    svg.appendChild(svgEl("text", { x: cx, y: cy - 16, "text-anchor": "middle", "font-weight": "bold" }, data.center.name));
  }

  function init() {
    var timeline = document.getElementById("timeline-chart"), tdata = readJson("timeline-data");
    if (timeline && tdata) { drawTimeline(timeline, tdata); }
    var network = document.getElementById("network-chart"), ndata = readJson("network-data");
    if (network && ndata) { drawNetwork(network, ndata); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
