// @vitest-environment node
// The app freezes Object.prototype (tauri.conf.json `freezePrototype`): the chart library, as
// the build bundles it (freezeSafeEcharts in vite.config.ts), must load and draw with it frozen.
// A file of its own: the freeze lasts for the rest of the worker.
import { expect, it } from "vitest";

it("draws a stacked bar chart with Object.prototype frozen", async () => {
  Object.freeze(Object.prototype);
  expect(Object.isFrozen(Object.prototype)).toBe(true);
  const { echarts } = await import("./chartsLib");
  const chart = echarts.init(null, null, { renderer: "svg", ssr: true, width: 400, height: 200 });
  chart.setOption({
    animation: false,
    legend: {},
    xAxis: { type: "category", data: ["T1", "T2"] },
    yAxis: { type: "value" },
    series: [
      { type: "bar", name: "KT", data: [1, 2], stack: "all" },
      { type: "bar", name: "GS", data: [3, 0], stack: "all" },
    ],
  });
  const svg = chart.renderToSVGString();
  chart.dispose();
  expect(svg).toContain("<svg");
  expect(svg).toContain("T2");
  expect((svg.match(/<path/g) ?? []).length).toBeGreaterThan(3);
});
