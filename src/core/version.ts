// From package.json, so the report, --version and the package never disagree.
export const TOOL_VERSION: string = (require('../../package.json') as { version: string }).version
