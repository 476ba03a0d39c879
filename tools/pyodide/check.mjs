// Load Pyodide (CPython for emscripten) under node, mount the connerr source tree read-only, and
// run tools/pyodide/check.py in it. Usage: node check.mjs REPO_ROOT (pyodide from node_modules).
import { loadPyodide } from "pyodide";
import { readFileSync } from "node:fs";
import path from "node:path";

const root = path.resolve(process.argv[2] ?? ".");
const pyodide = await loadPyodide();
pyodide.mountNodeFS("/connerr-src", root);
let out = "";
pyodide.setStdout({ batched: (line) => { out += line + "\n"; console.log(line); } });
pyodide.setStderr({ batched: (line) => console.error(line) });
const script = readFileSync(path.join(root, "tools", "pyodide", "check.py"), "utf8");
pyodide.runPython(`import sys; sys.path.insert(0, "/connerr-src")`);
try {
  pyodide.runPython(script);
} catch (err) {
  console.error(String(err));
  process.exit(1);
}
const summary = out.trim().split("\n").pop() ?? "";
const match = summary.match(/^(\d+) passed, (\d+) failed$/);
process.exit(match && match[2] === "0" ? 0 : 1);
