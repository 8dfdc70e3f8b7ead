// Small helpers shared by the extension's modules. No `vscode` here.

/** The message of an error (or of whatever was thrown). */
export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Sets `key` as the newest entry of `map`, then drops the oldest entries beyond `max`. */
export function setCapped<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  for (const old of map.keys()) {
    if (map.size <= max) {
      break;
    }
    map.delete(old);
  }
}
