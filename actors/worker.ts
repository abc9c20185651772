// The worker entry for every actor: hosts one actor of any kind in the registry.
import { hostActors } from "../src/runtime/worker_host.ts";
import { registry } from "./mod.ts";

hostActors(registry);
