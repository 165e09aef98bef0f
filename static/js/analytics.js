// The analytics charts, drawn with the vendored Apache ECharts from the JSON each chart's card
// carries (json_script): {kind, labels, axes: [{name, format}], series, markLine}. Values come
// as strings (money stays exact until drawn), null where there is nothing to show.
(function () {
  "use strict";

  var lang = document.documentElement.lang === "en" ? "en" : "zh-CN";

  function toNumber(value) {
    if (value === null || value === undefined || value === "") return null;
    var n = Number(value);
    return Number.isFinite(n) ? n : null;
  }

  function formatter(format) {
    if (format === "percent") {
      return function (v) {
        return v === null || v === undefined || v === "-" ? "—" : (Math.round(v * 1000) / 10) + "%";
      };
    }
    if (format === "money") {
      return function (v) {
        return v === null || v === undefined || v === "-" ? "—" : "¥" + Number(v).toLocaleString(lang, {
          minimumFractionDigits: 0, maximumFractionDigits: 2
        });
      };
    }
    return function (v) {
      return v === null || v === undefined || v === "-" ? "—" : Number(v).toLocaleString(lang);
    };
  }

  function draw(el, data) {
    var chart = echarts.init(el, null, { renderer: "svg" });
    var axes = data.axes.map(function (axis) {
      return { type: "value", name: axis.name, axisLabel: { formatter: formatter(axis.format) } };
    });
    var series = data.series.map(function (s) {
      var axis = s.yAxisIndex || 0;
      return {
        name: s.name,
        type: s.type,
        yAxisIndex: axis,
        data: s.data.map(toNumber),
        connectNulls: true,
        showSymbol: true,
        tooltip: { valueFormatter: formatter(data.axes[axis].format) }
      };
    });
    var mark = data.markLine;
    if (mark && mark.value !== null && mark.value !== undefined && series.length) {
      series[0].markLine = {
        symbol: "none",
        silent: true,
        label: { formatter: mark.name, position: "insideEndTop" },
        lineStyle: { type: "dashed" },
        data: [{ yAxis: toNumber(mark.value) }]
      };
    }
    var many = data.labels.length > 12;
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { bottom: 0, type: "scroll" },
      grid: { left: 56, right: axes.length > 1 ? 72 : 24, top: 40, bottom: many ? 88 : 56, containLabel: false },
      xAxis: { type: "category", data: data.labels, axisLabel: { interval: many ? "auto" : 0, hideOverlap: true } },
      yAxis: axes,
      dataZoom: many ? [{ type: "slider", bottom: 28, height: 18 }] : [],
      series: series
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof echarts === "undefined") return;
    document.querySelectorAll("[data-chart][data-chart-source]").forEach(function (el) {
      var source = document.getElementById(el.dataset.chartSource);
      if (!source) return;
      draw(el, JSON.parse(source.textContent));
    });
  });
})();
