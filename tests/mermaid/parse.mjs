// Parse each file named on the command line with mermaid's own parser: "ok FILE" or
// "error FILE: message" per file; exit 1 when any failed. jsdom stands in for the browser.
import fs from "node:fs";
import { JSDOM } from "jsdom";

const dom = new JSDOM("<!doctype html><html><body></body></html>");
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await import("mermaid");

let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(fs.readFileSync(file, "utf8"));
    console.log(`ok ${file}`);
  } catch (error) {
    failed = 1;
    console.log(`error ${file}: ${String(error.message).split("\n").join(" ")}`);
  }
}
process.exit(failed);
