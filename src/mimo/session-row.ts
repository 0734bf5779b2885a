import { parseJson } from "../ledger/json.js";
import type { MimoSessionRow } from "../ledger/tables/mimo-sessions.js";

/** The row with `command_json` decoded into `command` (argv or null). */
export function sessionView(row: MimoSessionRow) {
  const { command_json, dispatch_lock_released, ...rest } = row;
  return {
    ...rest,
    dispatch_lock_released: dispatch_lock_released === 1,
    command: command_json ? parseJson<string[] | null>(command_json, null) : null,
  };
}
