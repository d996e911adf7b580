/* Charts (Apache ECharts, vendored in static/vendor/echarts/) without inline script.

   A template puts the chart's ECharts option as JSON in a <script type="application/json">
   element (Django's json_script filter: data, never executed, so the Content-Security-Policy
   allows it) and a container naming it:

     {% include "core/_chart.html" with chart_id="score-radar" option=radar_option label="…" %}

   This file finds every [data-chart] container, reads its option and draws it with the SVG
   renderer (sharp on phones, prints well). The option is plain data built on the server
   (core.charts): no functions, so nothing here evaluates strings. Each chart keeps a table or
   list of the same figures beside it, so the numbers are there without scripts and for screen
   readers. Charts resize with their container. */
(function () {
  "use strict";

  function draw(container) {
    if (typeof window.echarts === "undefined" || container.dataset.chartDrawn) {
      return;
    }
    var source = document.getElementById(container.dataset.chart);
    if (!source) {
      return;
    }
    var option;
    try {
      option = JSON.parse(source.textContent);
    } catch (error) {
      return;
    }
    var chart = window.echarts.init(container, null, { renderer: "svg" });
    chart.setOption(option);
    container.dataset.chartDrawn = "1";
    container.classList.add("chart-drawn");
    if (typeof window.ResizeObserver !== "undefined") {
      new window.ResizeObserver(function () {
        chart.resize();
      }).observe(container);
    }
    // A chart whose points carry a "url" opens it on click (a count opens the list it counts).
    chart.on("click", function (params) {
      var url = params && params.data && params.data.url;
      if (typeof url === "string" && url.charAt(0) === "/") {
        window.location.href = url;
      }
    });
  }

  function drawAll(root) {
    var containers = (root || document).querySelectorAll("[data-chart]");
    for (var i = 0; i < containers.length; i++) {
      draw(containers[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      drawAll(document);
    });
  } else {
    drawAll(document);
  }
  // Parts of a page swapped in by htmx (the cockpit's map for another period) draw their
  // charts too; containers already drawn are left alone.
  document.addEventListener("htmx:afterSettle", function () {
    drawAll(document);
  });
})();
