// Charts drawn with the vendored Apache ECharts from JSON the page carries (json_script).
(function () {
  "use strict";

  function daily(el, data) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var series = data.series.map(function (s) {
      return { name: s.name, type: s.type, data: s.data, yAxisIndex: s.yAxisIndex || 0,
               smooth: s.type === "line", connectNulls: false };
    });
    data.targets.forEach(function (t) {
      if (t.value === null || t.value === undefined) return;
      var host = series.filter(function (s) { return (s.yAxisIndex || 0) === (t.yAxisIndex || 0); })[0];
      if (!host) return;
      host.markLine = host.markLine || { symbol: "none", data: [], label: { formatter: "{b}" } };
      host.markLine.data.push({ name: t.name, yAxis: Math.round(t.value * 100) / 100 });
    });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0 },
      grid: { left: 48, right: 64, top: 36, bottom: 56 },
      xAxis: { type: "category", data: data.labels },
      yAxis: [{ type: "value", name: data.axes[0] }, { type: "value", name: data.axes[1] }],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartSource);
      if (!source) return;
      var data = JSON.parse(source.textContent);
      if (el.dataset.chart === "daily") daily(el, data);
    });
  });
})();
