// Entry point of an embedded Postgres worker thread (dist/pglite-worker.js): one PGlite instance, answering the
// tool's thread (see src/postgres/pglite-thread.ts and src/postgres/pglite-instance.ts).
import { runPgliteThread } from './postgres/pglite-thread'

void runPgliteThread()
