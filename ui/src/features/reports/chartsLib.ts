// Apache ECharts with only what the Reports screen draws: bar charts, axes, legend, tooltip, the
// SVG renderer. Loaded on demand (its own chunk, bundled by vite: nothing is fetched at run time).
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export { echarts };
