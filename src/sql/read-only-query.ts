// The audit's --tenants-query is run on a production database: it must be one query, nothing else. The read-only
// transaction refuses writes; what it cannot refuse (a function with side effects outside the transaction: dblink,
// COPY TO PROGRAM, signalling backends, writing files) is refused by name here. A superuser can still do harm
// through functions of its own: the audit says so (connect as a role with pg_read_all_data).
import { splitSqlStatements } from './statements'

/** Functions whose effects escape a read-only transaction. */
const ESCAPING_FUNCTIONS =
  /\b(dblink\w*|pg_terminate_backend|pg_cancel_backend|pg_reload_conf|pg_rotate_logfile|pg_promote|lo_export|lo_import|lo_unlink|pg_file_write|pg_file_unlink|pg_file_rename|pg_read_file|pg_read_binary_file|pg_ls_dir|set_config|pg_advisory_lock\w*|pg_notify|nextval|setval|txid_current|pg_logical_emit_message)\s*\(/i

/** Why this text is not a single read-only query, or undefined when it is one. */
export function readOnlyQueryProblem(text: string): string | undefined {
  const statements = splitSqlStatements(text).filter((s) => s.sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim())
  if (statements.length !== 1) return `it must be one statement (found ${statements.length})`
  const body = statements[0].sql.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim()
  const keyword = /^\(*\s*(\w+)/.exec(body)?.[1]?.toLowerCase()
  if (!keyword || !['select', 'with', 'values', 'table'].includes(keyword))
    return `it must be a query (SELECT, WITH, VALUES or TABLE), not ${keyword ? keyword.toUpperCase() : 'this'}`
  if (/\b(insert|update|delete|merge)\b[\s\S]*\b(into|set|from|using)\b/i.test(body) && keyword === 'with')
    return 'a data-modifying WITH is not a query'
  const escaping = ESCAPING_FUNCTIONS.exec(body)
  if (escaping) return `it calls ${escaping[1]}(), whose effects escape the read-only transaction`
  return undefined
}
