// Builds wwwroot/ from npm packages: copies htmx and its SSE extension, compiles Tailwind.
import { copyFileSync, mkdirSync } from "node:fs";
import { execFileSync } from "node:child_process";

mkdirSync("wwwroot/lib", { recursive: true });
mkdirSync("wwwroot/css", { recursive: true });
copyFileSync("node_modules/htmx.org/dist/htmx.min.js", "wwwroot/lib/htmx.min.js");
copyFileSync("node_modules/htmx-ext-sse/dist/sse.min.js", "wwwroot/lib/sse.min.js");
execFileSync(process.execPath, [
  "node_modules/@tailwindcss/cli/dist/index.mjs",
  "-i", "Styles/app.css", "-o", "wwwroot/css/app.css", "--minify"
], { stdio: "inherit" });
