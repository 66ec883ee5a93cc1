// nianbao regional oversight: draws the ECharts options the page embeds (#oversight-charts, built
// server-side by nianbao.oversight.charts) into each [data-oversight-chart] element.
// The server cannot know a chart's width, so before drawing (and again on resize) the header is
// laid out here: the subtitle wraps to the chart's width, the legend wraps to as many rows as its
// items need, the legend and the plot move down below them, and the chart grows by what the header
// took beyond the server's allowance (charts side by side grow alike, so a row stays even).
(function () {
  "use strict";
  // ECharts' text metrics: titles 14px bold, subtitles and legend items 12px, sans-serif
  var FONT = "12px sans-serif", PAD = 5, TITLE = 14, TITLE_GAP = 10, SUB_LINE = 16;
  var ICON = 25, ICON_GAP = 5, ITEM_GAP = 10, ITEM_HEIGHT = 14, MAX_LEGEND_ROWS = 3, PLOT_GAP = 8;
  var ctx = document.createElement("canvas").getContext("2d");

  function textWidth(s) { ctx.font = FONT; return ctx.measureText(s).width; }

  // lines `text` takes broken at `width` px (ECharts' overflow "break" breaks CJK anywhere)
  function lineCount(text, width) {
    var n = 0;
    String(text).split("\n").forEach(function (para) {
      var x = 0;
      n += 1;
      for (var i = 0; i < para.length; i++) {
        var w = textWidth(para[i]);
        if (x > 0 && x + w > width) { n += 1; x = 0; }
        x += w;
      }
    });
    return n;
  }

  function legendRows(names, width) {
    var rows = 1, x = 0;
    names.forEach(function (name) {
      var w = ICON + ICON_GAP + textWidth(String(name));
      if (x > 0 && x + w > width) { rows += 1; x = 0; }
      x += w + ITEM_GAP;
    });
    return rows;
  }

  // a copy of `base` laid out for a chart `width` px wide, and how many px taller than planned
  // its header came out
  function layout(base, width) {
    var opt = JSON.parse(JSON.stringify(base)), bottom = 0;
    var t = opt.title;
    if (t && !Array.isArray(t)) {
      var tw = width - (t.left || 0) - 2 * PAD - 10;
      t.subtextStyle = Object.assign({}, t.subtextStyle, { width: tw, overflow: "break", lineHeight: SUB_LINE });
      var lines = t.subtext ? lineCount(t.subtext, tw) : 0;
      bottom = (t.top || 0) + PAD + TITLE + (lines ? TITLE_GAP + lines * SUB_LINE : 0) + PAD;
    }
    var lg = opt.legend;
    if (lg && !Array.isArray(lg)) {
      var names = lg.data || (opt.series || []).map(function (s) { return s.name; });
      var rows = legendRows(names, width - (lg.left || 0) - (lg.right || 0) - 2 * PAD);
      if (rows > MAX_LEGEND_ROWS) { lg.type = "scroll"; rows = 1; }    // many sub-regions: page them
      lg.top = bottom;
      bottom += 2 * PAD + rows * ITEM_HEIGHT + (rows - 1) * ITEM_GAP;
    }
    var extra = 0;
    if (opt.grid && !Array.isArray(opt.grid) && bottom) {
      var top = bottom + PLOT_GAP;
      extra = Math.max(0, top - (opt.grid.top || 0));
      opt.grid.top = top;
    }
    return { option: opt, extra: extra };
  }

  function draw() {
    var holder = document.getElementById("oversight-charts");
    if (!holder || !window.echarts) return;
    var options = JSON.parse(holder.textContent), charts = [];
    document.querySelectorAll("[data-oversight-chart]").forEach(function (el) {
      var opt = options[el.getAttribute("data-oversight-chart")];
      if (opt) charts.push({ el: el, base: opt, height: el.offsetHeight, chart: null });
    });

    function render() {
      var laid = charts.map(function (c) { return layout(c.base, c.el.clientWidth); });
      var grow = new Map();
      charts.forEach(function (c, i) {
        grow.set(c.el.parentNode, Math.max(grow.get(c.el.parentNode) || 0, laid[i].extra));
      });
      charts.forEach(function (c, i) {
        c.el.style.height = (c.height + grow.get(c.el.parentNode)) + "px";
        if (c.chart) c.chart.resize();
        else c.chart = window.echarts.init(c.el, null, { renderer: "canvas" });
        c.chart.setOption(laid[i].option, true);
        c.el.setAttribute("data-rendered", "yes");
      });
    }

    render();
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(render, 100);
    });
  }
  // deferred scripts run before DOMContentLoaded: wait for it so echarts is there
  if (document.readyState === "complete") draw();
  else document.addEventListener("DOMContentLoaded", draw);
})();
