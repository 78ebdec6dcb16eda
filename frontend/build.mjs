// Bundle every page: each top-level frontend/src/<page>.js -> frontend/static/dist/<page>.js
// (esbuild; each bundle carries the lib/ modules it shares with the others).
// `npm run build` once, `npm run watch` while editing. Output is gitignored.
import * as esbuild from "esbuild";
import { readdirSync } from "node:fs";

// A page is a top-level module of src/; the folders under it hold what pages share.
const pages = readdirSync("src").filter((name) => name.endsWith(".js")).map((name) => `src/${name}`);

const options = {
  entryPoints: pages,
  outdir: "static/dist",
  bundle: true,
  format: "esm",
  target: ["es2020"],
  minify: true,
  sourcemap: true,
  legalComments: "linked", // third-party licences kept beside the bundle
  logLevel: "info",
  define: { "process.env.NODE_ENV": '"production"' },
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}
