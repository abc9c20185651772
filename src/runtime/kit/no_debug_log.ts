/**
 * A client library's debug logger that does nothing: mqtt.js calls its `log` option on every
 * packet, and the `debug` package it falls back to costs a call and a check each time even when
 * off (a twentieth of a busy Sparkplug drain's CPU). Tagflow logs what matters itself.
 */
export function noDebugLog(): void {}
