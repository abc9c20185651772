/** Reports a problem with one field of the tag being checked. */
export type TagIssue = (field: string, message: string) => void;

/**
 * Checks a device's tags inside its superRefine: names unique, each `group` one of the
 * device's groups (or `implicitGroup`); `more` checks each tag further and reports the same way.
 */
export function checkTags<T extends { name: string; group?: string }>(
  dev: { tags: T[]; groups: Record<string, unknown> },
  ctx: { addIssue(issue: { code: "custom"; path: (string | number)[]; message: string }): void },
  implicitGroup?: string,
  more: (tag: T, issue: TagIssue) => void = () => {},
): void {
  const seen = new Set<string>();
  dev.tags.forEach((tag, i) => {
    const issue: TagIssue = (field, message) =>
      ctx.addIssue({ code: "custom", path: ["tags", i, field], message });
    if (seen.has(tag.name)) issue("name", `duplicate tag name "${tag.name}"`);
    seen.add(tag.name);
    if (tag.group && tag.group !== implicitGroup && !(tag.group in dev.groups)) {
      issue("group", `no group "${tag.group}" in groups`);
    }
    more(tag, issue);
  });
}
