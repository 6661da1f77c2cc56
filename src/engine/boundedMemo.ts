/**
 * Results of a pure function of a string, remembered: the same few texts (timestamps, images, quantities, shell
 * snippets, screen rows) come back over and over. Everything is forgotten at once when `limit` keys are held, so odd
 * inputs cannot grow it without bound and a forgotten result is only computed again.
 */
export class BoundedMemo<V> {
  private readonly map = new Map<string, V>();

  constructor(private readonly limit: number) {}

  get(key: string, make: (key: string) => V): V {
    const value = this.map.get(key);
    return value !== undefined ? value : this.put(key, make(key));
  }

  peek(key: string): V | undefined {
    return this.map.get(key);
  }

  put(key: string, value: V): V {
    if (this.map.size >= this.limit) this.map.clear();
    this.map.set(key, value);
    return value;
  }
}
