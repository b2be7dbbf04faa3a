// A quiet reporter for node's test runner (node --test-reporter=./test/reporter.mjs): it prints
// what node's spec reporter prints for every failing test (its name, error, stack and diagnostics),
// for every skipped or todo test, the output (stdout/stderr) of a test file with a failure, and the
// closing summary ("ℹ tests N", "ℹ pass N", "ℹ fail N", …) exactly as spec prints it; passing tests,
// their diagnostics and the output of passing files are left out. Each event still goes through
// one spec reporter, so nested failures keep their parents' names and the "failing tests:" recap
// comes at the end as spec gives it. test/run.mjs picks it; TINYRNN_VERBOSE=1 picks spec instead.
import { spec as Spec } from "node:test/reporters";
import { relative } from "node:path";

export default async function* quiet(source) {
  const spec = new Spec();
  /** spec's output for one event (its transform is synchronous) */
  const render = (event) => {
    let out = "";
    spec._transform(event, "utf8", (err, s) => { if (err) throw err; if (s) out += s; });
    return out;
  };
  const output = new Map(); // file → what it wrote to stdout/stderr
  const failedFiles = new Set();
  let lastFailed = false; // a test's diagnostics come right after its pass or fail
  // Tests open at each nesting level. spec names a test's parents once, above its first child's
  // line; when that line is a passing test left out, the names are printed above the next shown one.
  const open = []; // open[k] = { name, header: "pending" | "hidden" | "shown" }
  const reported = (nesting, shown) => {
    let headers = "";
    for (let k = 0; k < nesting && k < open.length; k++) {
      const o = open[k];
      if (o.header === "pending") o.header = shown ? "shown" : "hidden"; // spec prints these itself
      else if (o.header === "hidden" && shown) { headers += `${"  ".repeat(k)}\u25b6 ${o.name}\n`; o.header = "shown"; }
    }
    return headers;
  };
  let passed = 0, summaryStarted = false;
  const progress = process.stderr.isTTY ? (s) => process.stderr.write(`\r\x1b[K${s}`) : () => {};

  for await (const event of source) {
    const { type, data } = event;
    switch (type) {
      case "test:stdout":
      case "test:stderr":
        output.set(data.file, (output.get(data.file) ?? "") + data.message);
        break;
      case "test:start":
        open.length = data.nesting;
        open[data.nesting] = { name: data.name, header: "pending" };
        render(event); // spec keeps its stack of open tests
        break;
      case "test:pass": {
        lastFailed = false;
        const show = data.skip !== undefined || data.todo !== undefined; // never silent
        const headers = reported(data.nesting, show);
        const text = render(event);
        if (show) { progress(""); yield headers + text; } else progress(`${++passed} passed`);
        break;
      }
      case "test:fail": {
        lastFailed = true;
        if (data.file) failedFiles.add(data.file);
        progress("");
        const headers = reported(data.nesting, true);
        yield headers + render(event);
        break;
      }
      case "test:diagnostic":
        if (data.file === undefined && !summaryStarted) {
          // the run's summary follows: first what the failing files printed
          summaryStarted = true;
          progress("");
          for (const file of failedFiles) {
            const text = output.get(file);
            if (text) yield `\n── output of ${relative(process.cwd(), file)} ──\n${text}${text.endsWith("\n") ? "" : "\n"}`;
          }
          if (failedFiles.size === 0) yield `${passed} passing tests not listed (TINYRNN_VERBOSE=1 node test/run.mjs lists them and their figures)\n`;
        }
        if (data.file === undefined || lastFailed) yield render(event);
        break;
      default:
        render(event); // the rest print nothing
    }
  }
  let recap = "";
  spec._flush((err, s) => { if (s) recap += s; });
  if (recap) yield recap;
}
