// nianbao web: the scorecard's ranking chart, drawn from the ECharts option the page carries as JSON.
(function () {
  "use strict";
  function draw() {
    var el = document.getElementById("scorecard-chart");
    var holder = document.getElementById("scorecard-chart-option");
    if (!el || !holder || !window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(JSON.parse(holder.textContent));
    el.setAttribute("data-rendered", "yes");
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "complete") draw();
  else document.addEventListener("DOMContentLoaded", draw);
})();
