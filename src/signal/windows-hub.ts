/**
 * One native wait per process, shared by every Windows waiter of the process.
 *
 * koffi's `.async` runs the call on a libuv pool thread (4 by default, shared with fs, dns and
 * crypto, and UV_THREADPOOL_SIZE cannot be raised from inside a Windows process), and a pending
 * call can be neither cancelled nor unref'd. So the hub keeps at most ONE outstanding
 * WaitForMultipleObjects over [armed waiters' wake events..., hubCancel]. When the armed set
 * changes, SetEvent(hubCancel) makes the call return so it is re-issued with the new set; when no
 * waiter is armed, no native call stays pending and the process can exit.
 */
import {
  loadKernel32,
  MAXIMUM_WAIT_OBJECTS,
  WAIT_OBJECT_0,
  WAIT_TIMEOUT,
  type Handle,
  type Kernel32,
} from "../../native-bindings/kernel32.js";

export interface HubMember {
  readonly handle: Handle;
  /** The native wait consumed this member's auto-reset event: latch the wake. */
  onWake(): void;
}

// A bounded slice so a lost SetEvent(hubCancel) or any surprise can never stall for long.
const SLICE_MS = 2_000;
// With more armed members than one call can take, rotate through them in short slices.
const ROTATE_SLICE_MS = 20;
const RETRY_AFTER_FAILURE_MS = 100;
const MAX_MEMBERS_PER_CALL = MAXIMUM_WAIT_OBJECTS - 1; // one slot is hubCancel

export class WaitHub {
  private readonly k32: Kernel32;
  private readonly cancel: Handle;
  private readonly armedSet = new Set<HubMember>();
  private inFlight: HubMember[] | undefined;
  private cancelRequested = false;
  private deferredClose: Handle[] = [];
  private rotation = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor() {
    this.k32 = loadKernel32();
    const cancel = this.k32.CreateEventW(null, 0, 0, null);
    if (cancel === null) throw new Error(`CreateEventW(hub cancel) failed: ${this.k32.GetLastError()}`);
    this.cancel = cancel;
  }

  arm(m: HubMember): void {
    this.armedSet.add(m);
    if (this.inFlight) {
      if (!this.inFlight.includes(m)) this.interrupt();
    } else {
      this.pump();
    }
  }

  disarm(m: HubMember): void {
    if (!this.armedSet.delete(m)) return;
    // Other members may keep the call; if it then reports m, onWake() latches the wake for m's
    // next wait. With nobody armed, end the call so no native wait outlives its waiters.
    if (this.armedSet.size === 0) {
      if (this.inFlight) this.interrupt();
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
    }
  }

  /** Disarms m and closes its handle, later if the pending native call still waits on it. */
  release(m: HubMember): void {
    this.disarm(m);
    if (this.inFlight?.includes(m)) {
      this.deferredClose.push(m.handle); // closing a handle under a pending wait is undefined behaviour
      this.interrupt();
    } else {
      this.k32.CloseHandle(m.handle);
    }
  }

  private interrupt(): void {
    if (this.cancelRequested) return;
    this.cancelRequested = true;
    this.k32.SetEvent(this.cancel);
  }

  private pump(): void {
    if (this.inFlight || this.retryTimer || this.armedSet.size === 0) return;
    const all = [...this.armedSet];
    const overflow = all.length > MAX_MEMBERS_PER_CALL;
    let members = all;
    if (overflow) {
      this.rotation = (this.rotation + MAX_MEMBERS_PER_CALL) % all.length;
      members = [...all.slice(this.rotation), ...all.slice(0, this.rotation)].slice(0, MAX_MEMBERS_PER_CALL);
    }
    const handles = [...members.map((m) => m.handle), this.cancel];
    this.inFlight = members;
    this.cancelRequested = false;
    this.k32.WaitForMultipleObjects.async(
      handles.length,
      handles,
      0,
      overflow ? ROTATE_SLICE_MS : SLICE_MS,
      (err, result) => this.settle(members, err, result),
    );
  }

  private settle(members: HubMember[], err: unknown, result: number): void {
    this.inFlight = undefined;
    for (const h of this.deferredClose) this.k32.CloseHandle(h);
    this.deferredClose = [];
    if (!err && result >= WAIT_OBJECT_0 && result < WAIT_OBJECT_0 + members.length) {
      members[result - WAIT_OBJECT_0]?.onWake();
    } else if (err || (result !== WAIT_OBJECT_0 + members.length && result !== WAIT_TIMEOUT)) {
      // WAIT_FAILED or a koffi error: wake everyone (a spurious wake only costs a re-check)
      // and back off instead of spinning.
      for (const m of members) m.onWake();
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        this.pump();
      }, RETRY_AFTER_FAILURE_MS);
      return;
    }
    this.pump();
  }
}

let hub: WaitHub | undefined;

export function processHub(): WaitHub {
  hub ??= new WaitHub();
  return hub;
}
