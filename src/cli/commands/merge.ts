// `drift-guard merge REPORT.json...`: the JSON reports of audit shards combined into one.
import * as fs from 'node:fs'
import { UsageError, describeError } from '../../core/errors'
import { Report } from '../../core/findings'
import { parseJson } from '../../core/json'
import { mergeReports } from '../../engine/audit'
import { renderJson, renderMarkdown } from '../../report/render'
import { exitCodeFor, failureOf } from '../../run/outcome'
import { commonArgs } from '../args'
import { printFailure, renderReport, writeOutputFile } from '../output'
import { CliCommand } from './command'

export const mergeCommand: CliCommand = {
  name: 'merge',
  flags: {},
  maxPositionals: Infinity,
  validate: (parsed) => {
    if (parsed.positionals.length === 0) throw new UsageError('merge needs the JSON reports to combine')
  },
  run: async (parsed, io) => {
    const common = commonArgs(parsed)
    try {
      const reports = parsed.positionals.map((file) => {
        try {
          const report = parseJson<Report>(fs.readFileSync(file, 'utf8'))
          if (!report || !Array.isArray(report.targets) || !Array.isArray(report.findings) || !report.summary)
            throw new Error('not a drift-guard JSON report (written by --format json or --output FILE.json)')
          return report
        } catch (error) {
          throw new UsageError(`${file}: ${describeError(error)}`)
        }
      })
      const report = mergeReports(reports)
      io.stdout(renderReport(report, common.format))
      // A merged report is for machines first: JSON unless the file says markdown.
      if (common.output)
        writeOutputFile(common.output, common.output.endsWith('.md') ? renderMarkdown(report) : renderJson(report))
      return exitCodeFor(report, common.failOn)
    } catch (error) {
      return printFailure(failureOf(error), { format: 'text' }, io)
    }
  }
}
