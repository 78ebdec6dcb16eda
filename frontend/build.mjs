// Bundle the desk and the admin page: frontend/src/{desk,admin}.js -> frontend/static/dist/
// (esbuild; each bundle carries the lib/ modules it shares with the other).
// `npm run build` once, `npm run watch` while editing. Output is gitignored.
import * as esbuild from "esbuild";

const options = {
  entryPoints: ["src/desk.js", "src/admin.js"],
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
