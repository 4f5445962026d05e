// Lint: ESLint's and typescript-eslint's recommended rules, on the code we write (not the bundle, not fixtures),
// plus the layer order of src/ (docs/design.md): a folder may import only the folders below it.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'

// Bottom first. Folders on one line are peers: they may not import each other. A new capability gets its own
// folder here; moving a folder up or down is a design decision (write it in docs/design.md).
export const LAYERS = [
  ['core'],
  ['project-code'],
  ['sql'],
  ['config'],
  ['postgres'],
  ['model'],
  ['migrations'],
  ['schema'],
  ['diff'],
  ['explain'],
  ['run-commands'],
  ['report'],
  ['baseline'],
  ['engine'],
  ['repair', 'inventory', 'init'],
  ['run'],
  ['cli', 'action']
]

function layerRules() {
  return LAYERS.map((layer, index) => {
    // Everything above this layer, and this layer's peers.
    const forbidden = [...LAYERS.slice(index + 1).flat(), ...layer]
    return {
      files: layer.map((folder) => `src/${folder}/**/*.ts`),
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: layer.map((folder) => ({
              regex: `^(\\.\\./)+(${forbidden.filter((f) => f !== folder).join('|')})(/|$)`,
              message: `src/${folder}/ may import only the folders below it (docs/design.md, "Layers").`
            }))
          }
        ]
      }
    }
  })
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.tmp/**', '__fixtures__/**', 'examples/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly',
        require: 'readonly',
        module: 'writable',
        __dirname: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        URL: 'readonly',
        performance: 'readonly',
        Blob: 'readonly',
        WebAssembly: 'readonly',
        setImmediate: 'readonly',
        structuredClone: 'readonly',
        TextDecoder: 'readonly',
        TextEncoder: 'readonly',
        AbortController: 'readonly',
        fetch: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly'
      }
    },
    rules: {
      // Unused function parameters document an interface; a leading _ marks the deliberate ones.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }
      ],
      // The module loader and the vendored packages are loaded with require() on purpose (ncc must not follow them).
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  ...layerRules()
)
