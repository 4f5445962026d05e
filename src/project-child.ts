// Entry point of the project-code process (dist/project-child.js): the tool starts it to load the project's drizzle
// configs and schema files, which are the pull request's code, away from the tool's secrets (see
// src/project-code/parent-side.ts). It answers with plain data.
import { enableCompileCache } from './compile-cache'
import { configAsData, loadConfig } from './config/load-config'
import { serveProjectCode } from './project-code/child-side'
import { SchemaRequest, loadSchemaInProcess, schemaAsData } from './schema/load-schema'

enableCompileCache()
// Only the tool reads this process's output, and shows it neutralised: nothing here is the report.
process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write

serveProjectCode({
  config: (input: { root: string; configPath?: string }) => configAsData(loadConfig(input.root, input.configPath)),
  schema: async (input: SchemaRequest) =>
    schemaAsData(await loadSchemaInProcess(input.root, input.target, input.stubMissingPackages, input.toolFingerprint))
})
