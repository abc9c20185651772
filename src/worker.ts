// The worker entry for every actor: hosts actors of any kind the registry lists.
import { drivers } from "../actors/registry.ts";
import { actorKinds } from "./runtime/kit.ts";
import { hostActors } from "./runtime/worker_host.ts";

hostActors(actorKinds(drivers));
