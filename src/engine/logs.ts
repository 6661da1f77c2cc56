/** What simulated containers print, kept per container and bounded like a kubelet's log rotation. */

export interface LogLine {
  time: number;
  text: string;
}

const MAX_LINES_PER_CONTAINER = 1000;

const key = (namespace: string, pod: string, container: string) => `${namespace}/${pod}/${container}`;

export class ContainerLogs {
  private readonly lines = new Map<string, LogLine[]>();

  append(namespace: string, pod: string, container: string, time: number, text: string): void {
    const k = key(namespace, pod, container);
    let buf = this.lines.get(k);
    if (!buf) this.lines.set(k, (buf = []));
    buf.push({ time, text });
    if (buf.length > MAX_LINES_PER_CONTAINER) buf.splice(0, buf.length - MAX_LINES_PER_CONTAINER);
  }

  read(namespace: string, pod: string, container: string): readonly LogLine[] {
    return this.lines.get(key(namespace, pod, container)) ?? [];
  }

  /** Forget a pod's logs once the pod is gone. */
  dropPod(namespace: string, pod: string): void {
    const prefix = `${namespace}/${pod}/`;
    for (const k of this.lines.keys()) if (k.startsWith(prefix)) this.lines.delete(k);
  }
}
