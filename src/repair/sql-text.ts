// Small SQL text helpers shared by the planner and the declarations.
import { ColumnModel, SERIAL_DEFAULT } from '../model/types'

export const literal = (value: string): string => `'${value.replace(/'/g, "''")}'`

/** A serial column: introspection normalises its default to this (the sequence name does not matter). */
export const isSerial = (c: ColumnModel): boolean => c.default === SERIAL_DEFAULT
