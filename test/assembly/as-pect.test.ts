// The AssemblyScript unit tests (as-pect) for both builds, reported through node's test runner
// so that one summary counts them. as-pect 8.1 requires assemblyscript ^0.27 (see docs/development.md).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

for (const build of ["simd", "mvp"]) {
  test(`as-pect units (${build} build)`, () => {
    const r = spawnSync(process.execPath, ["node_modules/@as-pect/cli/bin/asp.js", "--no-logo", "-c", "test/assembly/as-pect.config.js", "-a", `test/assembly/asconfig.${build}.json`],
      { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
    const out = (r.stdout + r.stderr).replace(/\x1b\[[0-9;]*m/g, "");
    const m = /\[Tests\]: (\d+) \/ (\d+)/.exec(out);
    assert.ok(m, `as-pect printed no summary:\n${out.slice(-3000)}`);
    const [passed, total] = [Number(m[1]), Number(m[2])];
    assert.ok(total > 0, "as-pect ran no test");
    assert.equal(r.status, 0, `as-pect failed (${passed} of ${total} passed):\n${out.slice(-4000)}`);
    assert.equal(passed, total);
  });
}
