// Runs drizzle-orm's own migrator, as a project's db:migrate does, for the repair tests (a child process: the real
// package entry points, no jest module shims). Two databases: one migrated with the old folder, seeded, then with
// the new folder (production, every tenant); one fresh, migrated with the new folder. Prints both schemas as the
// catalog prints them and the seeded rows counted after the upgrade, as JSON.
//   node drizzle-migrate.mjs '{"kind":"pglite"|"server","url":…,"old":DIR,"new":DIR,"seed":SQL,"count":SQL,"drizzle":"1"}'
// With "drizzle":"1", drizzle-orm 1.x's migrator (vendor-drizzle-1/), which applies every folder whose name it has
// not recorded; otherwise the project's drizzle-orm 0.x, which applies the journal entries newer than its last row.
// With "database":URL, one existing database (a live one of a test) is migrated with "new" and nothing is created or
// dropped; it prints the columns of its public tables afterwards.
import { randomUUID } from 'node:crypto'

const options = JSON.parse(process.argv[2])
const ORM1 = new URL('../../vendor-drizzle-1/node_modules/drizzle-orm/', import.meta.url)
/** drizzle-orm's entry point `spec` (e.g. `pglite/migrator`), of the generation asked for. */
const orm = (spec) =>
  options.drizzle === '1' ? import(new URL(`${spec}.js`, ORM1).href) : import(`drizzle-orm/${spec}`)

const CATALOG = [
  `select c.relname as t, a.attname as c, format_type(a.atttypid, a.atttypmod) as type, a.attnotnull as notnull,
          pg_get_expr(d.adbin, d.adrelid) as def
     from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
     left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where n.nspname = 'public' and c.relkind = 'r' and a.attnum > 0 and not a.attisdropped order by 1, 2`,
  `select conrelid::regclass::text as t, conname, pg_get_constraintdef(oid) as def from pg_constraint
    where connamespace = 'public'::regnamespace order by 1, 2`,
  `select indexname, indexdef from pg_indexes where schemaname = 'public' order by 1`,
  `select t.typname, array_agg(e.enumlabel order by e.enumsortorder)::text as labels from pg_type t
     join pg_enum e on e.enumtypid = t.oid group by 1 order by 1`
]

async function withPglite(run) {
  const { PGlite } = await import('@electric-sql/pglite')
  const { drizzle } = await orm('pglite')
  const { migrate } = await orm('pglite/migrator')
  // The data directory the tool ships (initdb done once, at build time): a start in a second, not initdb's many.
  const zlib = await import('node:zlib')
  const fs = await import('node:fs')
  const pkg = new URL('../../node_modules/@electric-sql/pglite/package.json', import.meta.url)
  const version = JSON.parse(fs.readFileSync(pkg, 'utf8')).version
  const shipped = new URL(`../../vendor-data/pglite-${version}-datadir.tar.gz`, import.meta.url)
  const dataDir = fs.existsSync(shipped) ? zlib.gunzipSync(fs.readFileSync(shipped)) : undefined
  const open = async () => {
    const client = dataDir ? await PGlite.create({ loadDataDir: new Blob([new Uint8Array(dataDir)]) }) : new PGlite()
    const db = drizzle({ client })
    return {
      migrate: (folder) => migrate(db, { migrationsFolder: folder }),
      query: async (sql) => (await client.query(sql)).rows,
      exec: (sql) => client.exec(sql),
      close: () => client.close()
    }
  }
  return run(open)
}

async function withServer(run) {
  const postgres = (await import('postgres')).default
  const { drizzle } = await orm('postgres-js')
  const { migrate } = await orm('postgres-js/migrator')
  const admin = postgres(options.url, { max: 1, onnotice: () => {} })
  const created = []
  const open = async () => {
    const name = `dg_fixtest_${randomUUID().replace(/-/g, '').slice(0, 12)}`
    await admin.unsafe(`create database ${name}`)
    created.push(name)
    const url = new URL(options.url)
    url.pathname = `/${name}`
    const client = postgres(url.toString(), { max: 1, onnotice: () => {} })
    const db = drizzle({ client })
    return {
      migrate: (folder) => migrate(db, { migrationsFolder: folder }),
      query: (sql) => client.unsafe(sql),
      exec: (sql) => client.unsafe(sql),
      close: () => client.end()
    }
  }
  try {
    return await run(open)
  } finally {
    for (const name of created) await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end()
  }
}

const schemaOf = async (db) => {
  const out = []
  for (const sql of CATALOG) out.push(JSON.parse(JSON.stringify(await db.query(sql))))
  return out
}

async function migrateOne() {
  const postgres = (await import('postgres')).default
  const { drizzle } = await orm('postgres-js')
  const { migrate } = await orm('postgres-js/migrator')
  const client = postgres(options.database, { max: 1, onnotice: () => {} })
  try {
    await migrate(drizzle({ client }), { migrationsFolder: options.new })
    return { columns: (await client.unsafe(CATALOG[0])).map((r) => `${r.t}.${r.c}`) }
  } finally {
    await client.end()
  }
}

if (options.database) {
  process.stdout.write(JSON.stringify(await migrateOne()))
  process.exit(0)
}

const result = await (options.kind === 'server' ? withServer : withPglite)(async (open) => {
  const upgraded = await open()
  await upgraded.migrate(options.old)
  if (options.seed) await upgraded.exec(options.seed)
  await upgraded.migrate(options.new)
  const rows = options.count ? Number(Object.values((await upgraded.query(options.count))[0])[0]) : undefined
  const upgradedSchema = await schemaOf(upgraded)
  await upgraded.close()
  const fresh = await open()
  await fresh.migrate(options.new)
  const freshSchema = await schemaOf(fresh)
  await fresh.close()
  return { upgraded: upgradedSchema, fresh: freshSchema, rows }
})
process.stdout.write(JSON.stringify(result))
