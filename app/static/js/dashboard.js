// Draws the dashboard's charts from each canvas's data-chart attribute; every chart
// has a table next to it with the same figures (accessibility, no JavaScript).
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var colours = ["#000091", "#6a6af4", "#009081", "#c9191e", "#b34000", "#695240"];
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var spec = JSON.parse(canvas.getAttribute("data-chart"));
    new window.Chart(canvas, {
      type: canvas.getAttribute("data-chart-type") || "bar",
      data: {
        labels: spec.labels,
        datasets: spec.series.map(function (series, index) {
          return {
            label: series.label,
            data: series.data,
            backgroundColor: colours[index % colours.length],
            borderColor: colours[index % colours.length],
          };
        }),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: spec.series.length > 1 } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    });
  });
})();
