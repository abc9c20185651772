/**
 * The group tags without `group` belong to; its settings come from the device's own fields. Apart
 * from config.ts so the actor's worker does not load the config schema (and zod) for it.
 */
export const DEFAULT_GROUP = "default";
