// nianbao regional oversight: draws the ECharts options the page embeds (#oversight-charts, built
// server-side by nianbao.oversight.charts) into each [data-oversight-chart] element.
(function () {
  "use strict";
  function draw() {
    var holder = document.getElementById("oversight-charts");
    if (!holder || !window.echarts) return;
    var options = JSON.parse(holder.textContent);
    document.querySelectorAll("[data-oversight-chart]").forEach(function (el) {
      var opt = options[el.getAttribute("data-oversight-chart")];
      if (!opt) return;
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(opt);
      el.setAttribute("data-rendered", "yes");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  // deferred scripts run before DOMContentLoaded: wait for it so echarts is there
  if (document.readyState === "complete") draw();
  else document.addEventListener("DOMContentLoaded", draw);
})();
