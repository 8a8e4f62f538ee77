/* The statistics page's charts: ECharts (served from our own static files) fed by the page's json_script data.
   No inline code on the page: this file finds the data and the chart boxes itself. Charts are drawn on canvas,
   tooltips too (renderMode "richText"), so nothing needs inline styles. */
(function () {
  "use strict";
  var source = document.getElementById("statistics-charts");
  if (!source || typeof echarts === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var charts = [];

  function narrow(el) { return el.clientWidth < 520; }

  // Region and category names can be long (鄂尔多斯市高新技术产业园区): shortened on the axis, whole in tooltips.
  function shorten(max) {
    return function (text) { text = String(text); return text.length > max ? text.slice(0, max - 1) + "…" : text; };
  }

  var base = function (el) {
    return {
      animation: false,
      tooltip: { trigger: "axis", renderMode: "richText", confine: true },
      legend: { type: "scroll", top: 0, textStyle: { fontSize: narrow(el) ? 11 : 12 } },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true }
    };
  };

  function bars(el, block, stacked) {
    // Room for every region's name: a banner has up to 17 townships, each needs a readable line.
    el.style.height = Math.max(320, block.labels.length * 24 + 90) + "px";
    var option = base(el);
    option.tooltip.axisPointer = { type: "shadow" };
    option.xAxis = { type: "value", minInterval: 1 };
    // Regions on the vertical axis: their names stay horizontal and readable at phone width.
    option.yAxis = { type: "category", inverse: true, data: block.labels,
      axisLabel: { interval: 0, formatter: shorten(narrow(el) ? 5 : 10), fontSize: narrow(el) ? 11 : 12 } };
    option.series = block.series.map(function (s) {
      return { type: "bar", name: s.name, data: s.data, stack: stacked ? "all" : undefined,
        barMaxWidth: 18, emphasis: { focus: "series" } };
    });
    return option;
  }

  function monthly(el, block) {
    var option = base(el);
    var many = block.labels.length > (narrow(el) ? 6 : 12);
    option.xAxis = { type: "category", data: block.labels, boundaryGap: false,
      axisLabel: { hideOverlap: true, rotate: many ? 45 : 0, fontSize: narrow(el) ? 11 : 12,
        // "2026-03" → "26-03" on a phone: the year's first digits say nothing within a period.
        formatter: function (v) { return narrow(el) ? String(v).slice(2) : v; } } };
    option.yAxis = { type: "value", minInterval: 1 };
    option.series = block.series.map(function (s) {
      return { type: "line", name: s.name, data: s.data, symbolSize: 6 };
    });
    return option;
  }

  function breakdown(el, block) {
    return {
      animation: false,
      tooltip: { trigger: "item", renderMode: "richText", confine: true },
      legend: { type: "scroll", bottom: 0, textStyle: { fontSize: narrow(el) ? 11 : 12 } },
      series: [{ type: "pie", name: block.name, radius: ["35%", "62%"], center: ["50%", "45%"],
        data: block.data, avoidLabelOverlap: true,
        label: { show: !narrow(el), formatter: "{b}: {c}" }, labelLine: { show: !narrow(el) } }]
    };
  }

  var builders = {
    regions: function (el) { return bars(el, data.regions, false); },
    categories: function (el) { return bars(el, data.categories, true); },
    monthly: function (el) { return monthly(el, data.monthly); },
    breakdown: function (el) { return breakdown(el, data.breakdown); }
  };

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var build = builders[el.getAttribute("data-chart")];
    if (!build) { return; }
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(build(el));
    el.setAttribute("data-drawn", "1");
    charts.push({ el: el, chart: chart, build: build });
  });

  // Redrawn when the width changes (a phone turned sideways): labels are chosen for the width.
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      charts.forEach(function (c) { c.chart.setOption(c.build(c.el), true); c.chart.resize(); });
    }, 150);
  });
})();
