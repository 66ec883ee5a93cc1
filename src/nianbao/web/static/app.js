// nianbao web: CSRF header for HTMX writes, sortable tables, confirm on delete, ECharts charts.
(function () {
  "use strict";
  function csrf() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }
  // show error answers (4xx/5xx carry a Chinese message) instead of htmx's default of ignoring them
  if (window.htmx) {
    window.htmx.config.responseHandling = [
      { code: "204", swap: false }, { code: "[23]..", swap: true }, { code: "[45]..", swap: true, error: true }];
  }
  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf();
  });

  // mark the finding being shown, and the table cells it is about
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest(".finding a");
    if (!a) return;
    document.querySelectorAll(".finding.active").forEach(function (li) { li.classList.remove("active"); });
    a.parentElement.classList.add("active");
    document.querySelectorAll("td.current").forEach(function (c) { c.classList.remove("current"); });
    var path = a.getAttribute("data-path");
    if (!path) return;
    document.querySelectorAll("table.official td[data-path]").forEach(function (td) {
      var p = td.getAttribute("data-path");
      if (p === path || p.indexOf(path + ".") === 0) td.classList.add("current");
    });
  });

  // a table cell: its source and the findings on it (one delegated handler instead of one per cell)
  function showCell(td) {
    var body = td.closest(".report-body");
    if (!body || !window.htmx) return;
    var url = "/reports/" + body.getAttribute("data-report") + "/source?path=" +
              encodeURIComponent(td.getAttribute("data-path"));
    document.querySelectorAll("td.current").forEach(function (c) { c.classList.remove("current"); });
    td.classList.add("current");
    window.htmx.ajax("GET", url, { target: "#source", swap: "innerHTML" });
  }
  document.addEventListener("click", function (e) {
    var td = e.target.closest && e.target.closest("table.official td.val");
    if (td) showCell(td);
  });
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter") return;
    var td = e.target.closest && e.target.closest("table.official td.val");
    if (td) showCell(td);
  });

  // a PDF page: once its image is in, scroll the zoomed page so the outlined region is in the middle
  document.addEventListener("htmx:afterSwap", function (e) {
    var scroller = e.detail.target.querySelector && e.detail.target.querySelector(".pdfpage-scroll");
    if (!scroller) return;
    var img = scroller.querySelector("img"), box = scroller.querySelector(".hlbox");
    if (!img || !box) return;
    function centre() {
      scroller.scrollTop = box.offsetTop - scroller.clientHeight / 2 + box.offsetHeight / 2;
      scroller.scrollLeft = box.offsetLeft - scroller.clientWidth / 2 + box.offsetWidth / 2;
    }
    if (img.complete) centre(); else img.addEventListener("load", centre);
  });

  document.addEventListener("submit", function (e) {
    var msg = e.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) e.preventDefault();
  });

  function cellValue(td, kind) {
    var t = td.textContent.trim();
    if (kind === "num") { var n = parseFloat(t); return isNaN(n) ? -Infinity : n; }
    return t;
  }
  function makeSortable(table) {
    table.querySelectorAll("th[data-sort]").forEach(function (th) {
      th.addEventListener("click", function () {
        var idx = Array.prototype.indexOf.call(th.parentElement.children, th);
        var kind = th.getAttribute("data-sort");
        var dir = th.getAttribute("data-dir") === "desc" ? "asc" : "desc";
        th.parentElement.querySelectorAll("th").forEach(function (o) { o.removeAttribute("data-dir"); });
        th.setAttribute("data-dir", dir);
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        rows.sort(function (a, b) {
          var x = cellValue(a.cells[idx], kind), y = cellValue(b.cells[idx], kind);
          var c = kind === "num" ? x - y : String(x).localeCompare(String(y), "zh-CN");
          return dir === "asc" ? c : -c;
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }

  var SEV_COLORS = { error: "#b42318", warning: "#f79009", info: "#2e90fa" };

  function charts() {
    var holder = document.getElementById("chart-data");
    if (!holder || !window.echarts) return;
    var data = JSON.parse(holder.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart"), title = el.getAttribute("title") || "";
      el.removeAttribute("title");
      var opt = null;
      var base = { title: { text: title, left: 10, top: 6, textStyle: { fontSize: 14 } },
                   tooltip: { trigger: "axis" }, legend: { top: 30, type: "scroll" },
                   grid: { left: 50, right: 20, top: 70, bottom: 40 } };
      function line(names) {
        return Object.assign({}, base, {
          xAxis: { type: "category", data: data.years },
          yAxis: { type: "value", minInterval: 1 },
          series: names.map(function (n) {
            return { name: n[1], type: n[2] || "line", data: data[n[0]], connectNulls: false };
          })
        });
      }
      if (kind === "agency-applications") {
        opt = line([["new_received", "本年新收", "bar"], ["carried_over", "上年结转", "bar"]]);
      } else if (kind === "agency-outcomes") {
        opt = line([["granted", "予以公开"], ["partially_granted", "部分公开"], ["denied", "不予公开"],
                    ["unavailable", "无法提供"], ["not_processed", "不予处理"], ["other", "其他处理"]]);
      } else if (kind === "agency-review") {
        opt = line([["review", "行政复议", "bar"], ["litigation_direct", "直接起诉", "bar"],
                    ["litigation_after_review", "复议后起诉", "bar"]]);
      } else if (kind === "dashboard-rules") {
        opt = Object.assign({}, base, {
          xAxis: { type: "category", data: data.codes, axisLabel: { interval: 0, rotate: data.codes.length > 16 ? 45 : 0 } },
          yAxis: { type: "value", minInterval: 1 },
          series: data.series.map(function (s) {
            return { name: s.name, type: "bar", stack: "sev", data: s.data, itemStyle: { color: SEV_COLORS[s.severity] } };
          })
        });
      }
      if (!opt) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(opt);
      el.setAttribute("data-rendered", "yes");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function ready() {
    document.querySelectorAll("table.sortable").forEach(makeSortable);
    charts();
  }
  // deferred scripts run before DOMContentLoaded: wait for it so echarts (loaded after this file) is there
  if (document.readyState === "complete") ready();
  else document.addEventListener("DOMContentLoaded", ready);
})();
