import { defineConfig } from "vitest/config";
import { svelte } from "@sveltejs/vite-plugin-svelte";
import type { Plugin } from "vite";

// The app runs with a frozen Object.prototype (tauri.conf.json `freezePrototype`, against
// prototype pollution). Apache ECharts 6 assigns `constructor` on a plain object while its
// scheduler module loads (`mockMethods` in echarts/lib/core/Scheduler.js copies every enumerable
// name of a class prototype, `constructor` included, onto `{}`), which throws when
// Object.prototype.constructor is read-only. This build step defines the property instead of
// assigning it (same result, no inherited setter involved). It fails the build when the code it
// rewrites is not found, so an ECharts upgrade is reviewed rather than silently broken;
// charts.freeze.test.ts draws a chart under a frozen Object.prototype.

const FILE = /[\\/]echarts[\\/]lib[\\/]core[\\/]Scheduler\.js$/;
const ASSIGN = "target[name_1] = noop;";
const DEFINE = "Object.defineProperty(target, name_1, { value: noop, writable: true, configurable: true, enumerable: true });";

function freezeSafeEcharts(): Plugin {
  return {
    name: "hoso-freeze-safe-echarts",
    enforce: "pre",
    transform(code, id) {
      if (!FILE.test(id.split("?")[0])) return null;
      if (!code.includes(ASSIGN)) {
        this.error("echarts/lib/core/Scheduler.js changed: review freezeSafeEcharts in ui/vite.config.ts (frozen Object.prototype)");
      }
      return { code: code.replace(ASSIGN, DEFINE), map: null };
    },
  };
}

// Tauri serves the built files itself; the dev server is only for `tauri dev`.
export default defineConfig({
  plugins: [freezeSafeEcharts(), svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "safari15",
    sourcemap: false,
  },
  resolve: process.env.VITEST ? { conditions: ["browser"] } : undefined,
  test: {
    environment: "happy-dom",
    include: ["src/**/*.test.ts"],
    // Through vite's transforms (freezeSafeEcharts), as the build bundles it.
    server: { deps: { inline: ["echarts", "zrender"] } },
  },
});
