// Checks rendered Kubernetes objects (multi-document YAML files) against the upstream API schemas, as
// the API server would: kubernetes-models' JSON schemas for types, required fields, enums and
// formats, and its TypeScript types, compiled with every object as a literal, for unknown fields
// (the API server rejects those under strict field validation, the schemas alone accept them).
// Usage: node validate-objects.mjs FILE...  Prints "valid Kind/name" per object and "invalid ...: why"
// per problem; exits 1 when there is any problem.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { parseAllDocuments } from "yaml";

const objects = [];
const problems = [];
for (const file of process.argv.slice(2)) {
  for (const document of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (document.errors.length > 0) {
      problems.push(`${file}: YAML: ${document.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = document.toJS();
    if (object !== null) {
      objects.push({ file, object, name: `${object.kind}/${object.metadata?.name}` });
    }
  }
}

// "apps/v1" + "Deployment" -> kubernetes-models/apps/v1/Deployment; core "v1" -> kubernetes-models/v1/Pod.
const modulePath = (object) => `kubernetes-models/${object.apiVersion}/${object.kind}`;

const typed = [];
for (const entry of objects) {
  const { object, name, file } = entry;
  if (typeof object.apiVersion !== "string" || typeof object.kind !== "string") {
    problems.push(`${file}: ${name}: apiVersion and kind are required`);
    continue;
  }
  let model;
  try {
    model = (await import(modulePath(object)))[object.kind];
  } catch {
    problems.push(`${file}: ${name}: no upstream schema for ${object.apiVersion} ${object.kind}`);
    continue;
  }
  try {
    new model(object).validate();
    typed.push(entry);
  } catch (error) {
    problems.push(`${file}: ${name}: ${error.message}`);
  }
}

// One declaration per line, so a diagnostic's line names its object.
const source = typed.map(({ object }, index) => `import type { I${object.kind} as T${index} } from "${modulePath(object)}";`)
  .concat(typed.map(({ object }, index) => `export const o${index}: T${index} = ${JSON.stringify(object)};`))
  .join("\n");
const virtualFile = join(import.meta.dirname ?? process.cwd(), "rendered-objects.ts");
const host = ts.createCompilerHost({});
const readSource = host.getSourceFile;
const fileExists = host.fileExists;
host.getSourceFile = (name, language, ...rest) => name === virtualFile ? ts.createSourceFile(name, source, language) : readSource(name, language, ...rest);
host.fileExists = (name) => name === virtualFile || fileExists(name);
const program = ts.createProgram([virtualFile], {
  strict: true, noEmit: true, skipLibCheck: true, types: [],
  module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, target: ts.ScriptTarget.ES2022,
}, host);
const rejected = new Set();
for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
  const line = diagnostic.file ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1;
  const entry = typed[line - typed.length];
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, " ");
  problems.push(entry ? `${entry.file}: ${entry.name}: ${message}` : `types: ${message}`);
  if (entry) {
    rejected.add(entry);
  }
}

for (const entry of typed.filter((e) => !rejected.has(e))) {
  console.log(`valid ${entry.name}`);
}
for (const problem of problems) {
  console.log(`invalid ${problem}`);
}
process.exit(problems.length > 0 || objects.length === 0 ? 1 : 0);
