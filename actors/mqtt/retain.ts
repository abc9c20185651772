/** True when an MQTT topic filter (with + and #) matches a topic. */
export function matches(filter: string, topic: string): boolean {
  const f = filter.split("/"), t = topic.split("/");
  for (let i = 0; i < f.length; i++) {
    if (f[i] === "#") return true;
    if (i >= t.length || (f[i] !== "+" && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/**
 * Which messages are published retained: all (`true`), none (`false`), or those whose topic one
 * of the filters matches (a topic family: the values late joiners should see at once). Answers
 * are kept per topic (a sink's topics are its tags').
 */
export function retainRule(retain: boolean | string[]): (topic: string) => boolean {
  if (typeof retain === "boolean") return () => retain;
  const known = new Map<string, boolean>();
  return (topic) => {
    let r = known.get(topic);
    if (r === undefined) {
      r = retain.some((f) => matches(f, topic));
      if (known.size < 100_000) known.set(topic, r);
    }
    return r;
  };
}
