/**
 * A clean stop on Windows, where no SIGTERM ever arrives: a supervisor waits on the named event
 * `Local\grace-stop-<key of its data dir>` beside its wake, and `grace-host-continuation --stop`
 * sets it. The wait is a member of the process's one native wait (src/signal/windows-hub), so it
 * costs no thread of its own. The event is manual-reset: every supervisor of the data dir stops.
 */
import {
  ERROR_FILE_NOT_FOUND,
  EVENT_MODIFY_STATE,
  loadKernel32,
  type Handle,
} from "../../native-bindings/kernel32.js";
import { hash16 } from "../signal/windows-event.js";
import { processHub, type HubMember } from "../signal/windows-hub.js";

export function stopEventName(dataDir: string): string {
  return `Local\\grace-stop-${hash16(dataDir)}`;
}

class StopMember implements HubMember {
  constructor(
    readonly handle: Handle,
    private readonly onStop: () => void,
  ) {}

  onWake(): void {
    // Manual-reset: leave the set event alone (other supervisors see it too), stop waiting on it.
    processHub().release(this);
    this.onStop();
  }
}

/** Windows only: calls onStop once the data dir's stop event is set. Returns the un-watch. */
export function watchStopEvent(dataDir: string, onStop: () => void): () => void {
  const k32 = loadKernel32();
  const name = stopEventName(dataDir);
  const handle = k32.CreateEventW(null, 1, 0, name);
  if (handle === null) throw new Error(`CreateEventW(${name}) failed: error ${k32.GetLastError()}`);
  let stopped = false;
  const member = new StopMember(handle, () => {
    stopped = true;
    onStop();
  });
  processHub().arm(member);
  return () => {
    if (!stopped) processHub().release(member);
    stopped = true;
  };
}

/** Sets the data dir's stop event; false when no supervisor of that data dir is waiting on it. */
export function requestStop(dataDir: string): boolean {
  const k32 = loadKernel32();
  const handle = k32.OpenEventW(EVENT_MODIFY_STATE, 0, stopEventName(dataDir));
  if (handle === null) {
    const error = k32.GetLastError();
    if (error === ERROR_FILE_NOT_FOUND) return false;
    throw new Error(`OpenEventW(${stopEventName(dataDir)}) failed: error ${error}`);
  }
  try {
    if (!k32.SetEvent(handle)) throw new Error(`SetEvent failed: error ${k32.GetLastError()}`);
    return true;
  } finally {
    k32.CloseHandle(handle);
  }
}
