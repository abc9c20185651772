/** A URL without its credentials (`mqtt://user:secret@host` → `mqtt://***@host`), for logs. */
export function safeUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, "//***@");
}
