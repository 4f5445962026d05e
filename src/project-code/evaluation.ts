// Which project file is being evaluated, told to whoever listens (the child process reports it to the tool, so that a
// file stuck in `while (true) {}` is named when its time is up).
type Listener = (file: string, entering: boolean) => void

let listener: Listener | undefined

export function onEvaluation(next: Listener | undefined): void {
  listener = next
}

/** Called by the module loader around the evaluation of each project file. */
export function noteEvaluation(file: string, entering: boolean): void {
  listener?.(file, entering)
}
