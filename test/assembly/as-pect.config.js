// as-pect: the AssemblyScript unit tests (kernels' fixed-point primitives, compiled into the
// test module directly). Run through test/assembly/as-pect.test.ts once per build.
export default {
  entries: ["test/assembly/**/*.spec.ts"],
  include: ["test/assembly/**/*.include.ts"],
  disclude: [/node_modules/],
  async instantiate(memory, createImports, instantiate, binary) {
    return instantiate(binary, createImports({ env: { memory } }));
  },
  outputBinary: false,
};
