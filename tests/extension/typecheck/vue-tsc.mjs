// Type-checks the Rancher extension (pkg/kubeflash: .ts and the script and template of every .vue) with
// vue-tsc, the checker rancher/dashboard itself runs (its `type-check` script). Fails on any error in the
// extension. Errors inside @rancher/shell's own components (vue-tsc checks the .vue files the extension
// imports, and skipLibCheck does not cover .vue) are printed as the shell's, not counted.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const SHELL = 'node_modules/@rancher/shell/';
const run = spawnSync(process.execPath, [path.join(root, 'node_modules/vue-tsc/bin/vue-tsc.js'), '--noEmit', '--pretty', 'false', '-p', 'pkg/kubeflash/tsconfig.json'], { cwd: root, encoding: 'utf8' });
const output = `${ run.stdout }${ run.stderr }`;
// An error starts a line; continuation lines of its message are indented.
const errors = output.split('\n').reduce((list, line) => {
  const m = /^(.+?)\(\d+,\d+\): error TS\d+: /.exec(line);

  if (m) {
    list.push({ file: m[1], text: line });
  } else if (list.length && /^\s/.test(line)) {
    list[list.length - 1].text += `\n${ line }`;
  }

  return list;
}, []);
const shells = errors.filter((e) => e.file.startsWith(SHELL));
const ours = errors.filter((e) => !e.file.startsWith(SHELL));

if (shells.length) {
  console.log(`vue-tsc: ${ shells.length } error(s) in @rancher/shell's own files, not the extension's (not counted):\n${ shells.map((e) => `  ${ e.text }`).join('\n') }`);
}
if (run.status !== 0 && errors.length === 0) {
  console.error(`vue-tsc failed without reporting type errors (exit ${ run.status }):\n${ output }`);
  process.exit(1);
}
if (ours.length) {
  console.error(`vue-tsc: ${ ours.length } type error(s) in the extension:\n${ ours.map((e) => e.text).join('\n') }`);
  process.exit(1);
}
console.log('vue-tsc: pkg/kubeflash type-checks (.ts and .vue)');
