// The worker entry for every actor: hosts one actor of any kind in the registry.
import { hostActors } from "./runtime/worker_host.ts";
import { registry } from "../actors/mod.ts";

hostActors(registry);
