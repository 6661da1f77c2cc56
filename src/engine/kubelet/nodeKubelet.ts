/**
 * The kubelet of one node: its pods' workers, its images, its pod IP range, and whether it is up. While down it
 * reports nothing (no status, events, probes or heartbeats) and defers its own actions; containers keep running.
 */
import type { VirtualClock } from '../clock.js';
import type { ConfigReader } from './containerConfig.js';
import { ImageStore } from './imageStore.js';
import { PodCidr } from './ipam.js';
import type { NodeHost, PodWorker } from './podWorker.js';

export const HEARTBEAT_PERIOD_MS = 10_000;

export interface NodeKubeletOptions {
  nodeName: string;
  clock: VirtualClock;
  seed: number;
  config: ConfigReader;
  hostIP: string;
  podCIDR: string;
  changed(worker: PodWorker): void;
  watchConfig(worker: PodWorker): void;
  imagesChanged(nodeName: string): void;
  log(namespace: string, pod: string, container: string, time: number, text: string): void;
}

export class NodeKubelet implements NodeHost {
  readonly nodeName: string;
  readonly clock: VirtualClock;
  readonly seed: number;
  readonly config: ConfigReader;
  readonly images: ImageStore;
  readonly ipam: PodCidr;
  readonly workers = new Set<PodWorker>();
  private down = false;
  private deferred: (() => void)[] = [];
  /** Heartbeats tick every 10 s from here (registration or recovery); computed, not timed. */
  private upSince: number;
  private frozenHeartbeat = 0;

  constructor(private readonly options: NodeKubeletOptions) {
    this.nodeName = options.nodeName;
    this.clock = options.clock;
    this.seed = options.seed;
    this.config = options.config;
    this.images = new ImageStore(options.clock, options.seed);
    this.images.onNewImage = () => options.imagesChanged(options.nodeName);
    this.ipam = new PodCidr(options.podCIDR);
    this.upSince = options.clock.now();
  }

  hostIP(): string {
    return this.options.hostIP;
  }

  isDown(): boolean {
    return this.down;
  }

  run(fn: () => void): void {
    if (this.down) this.deferred.push(fn);
    else fn();
  }

  changed(worker: PodWorker): void {
    this.options.changed(worker);
  }

  watchConfig(worker: PodWorker): void {
    this.options.watchConfig(worker);
  }

  log(namespace: string, pod: string, container: string, time: number, text: string): void {
    this.options.log(namespace, pod, container, time, text);
  }

  lastHeartbeat(): number {
    if (this.down) return this.frozenHeartbeat;
    const now = this.clock.now();
    return this.upSince + Math.floor((now - this.upSince) / HEARTBEAT_PERIOD_MS) * HEARTBEAT_PERIOD_MS;
  }

  setDown(down: boolean): void {
    if (down === this.down) return;
    if (down) {
      this.frozenHeartbeat = this.lastHeartbeat();
      this.down = true;
      return;
    }
    this.down = false;
    this.upSince = this.clock.now();
    const pending = this.deferred;
    this.deferred = [];
    for (const fn of pending) fn();
  }
}
