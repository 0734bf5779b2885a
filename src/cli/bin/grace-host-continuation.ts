#!/usr/bin/env node
// The grace-host-continuation bin: the Node check runs before any other module is loaded.
import { nodeIsSupported } from "../../config/node-guard.js";

if (nodeIsSupported(import.meta.url)) await import("../host-continuation.js");
