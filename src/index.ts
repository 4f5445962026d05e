// Entry point of the GitHub Action (dist/index.js).
import { enableCompileCache } from './compile-cache'
import { run } from './action/main'

enableCompileCache()
void run()
