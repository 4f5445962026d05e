// `drift-guard --version`: the tool's version and the versions of what it ships and runs (drizzle-kit and drizzle-orm
// of both generations, the embedded Postgres), read from the shipped packages themselves.
import { TOOL_VERSION } from '../core/version'
import { vendorPackageVersion } from '../core/vendor'
import { embeddedPostgresVersion } from '../postgres/embedded-version'
import { drizzleKitVersion } from '../schema/drizzle-kit'
import { drizzleKit1Version } from '../schema/drizzle-kit-1'

export function versionText(): string {
  return [
    `drizzle-drift-guard ${TOOL_VERSION}`,
    `drizzle-kit ${drizzleKitVersion()} (0.x projects), ${drizzleKit1Version()} (1.x projects)`,
    `drizzle-orm ${vendorPackageVersion('drizzle-orm')} (0.x), ${vendorPackageVersion('drizzle-orm', 'drizzle-orm', '1.x')} (1.x), used when the project has none installed`,
    `embedded ${embeddedPostgresVersion()}`,
    `node ${process.version}`
  ].join('\n')
}
