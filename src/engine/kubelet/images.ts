/**
 * What the simulator knows about container images: reference normalisation (as containerd reports it), a small
 * catalogue of well-known images (size, what they run, which ports they serve) and the seeded pull timing.
 */
import { between, hash32, hexId } from './hash.js';
import { BoundedMemo } from '../boundedMemo.js';

export interface ImageRef {
  /** As written in the pod spec. */
  readonly original: string;
  /** `docker.io/library/nginx` */
  readonly repository: string;
  /** `docker.io/library/nginx:1.25` (or `...@sha256:...`) as containerStatuses[].image shows it. */
  readonly normalized: string;
  readonly tag: string;
  /** The last path element without tag: `nginx`, `busybox`, `podinfo`. */
  readonly baseName: string;
}

export const parseImage = (image: string): ImageRef => parsed.get(image, parseImageText);

/** Every container start parses its image and every container instance has its digest: both once per image. */
const parsed = new BoundedMemo<ImageRef>(1000);
const digests = new BoundedMemo<string>(1000);

function parseImageText(image: string): ImageRef {
  let rest = image.trim();
  let digest = '';
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  let tag = '';
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
  }
  const first = rest.split('/')[0]!;
  const hasDomain = rest.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  let repository = hasDomain ? rest : `docker.io/${rest.includes('/') ? rest : `library/${rest}`}`;
  repository = repository.toLowerCase();
  if (!tag && !digest) tag = 'latest';
  const normalized = digest ? `${repository}@${digest}` : `${repository}:${tag}`;
  return { original: image, repository, normalized, tag, baseName: repository.slice(repository.lastIndexOf('/') + 1) };
}

/** What a container started from this image does when the pod gives no command. */
export type ImageRole =
  /** Runs a long-lived server on its ports until stopped (nginx, redis, unknown application images). */
  | 'server'
  /** Its default command is an interactive shell or interpreter, which exits at once without a terminal. */
  | 'shell'
  /** The pause container: sleeps forever, serves nothing. */
  | 'pause';

export interface ImageProfile {
  role: ImageRole;
  /** Ports the default program listens on (besides the container's declared ports). */
  ports: readonly number[];
  /** Approximate compressed size in MB, as containerd reports it after a pull. */
  sizeMB: number;
  /** Which userland answers `cat`/`ls` errors: busybox (`cat: can't open 'x'`) or GNU coreutils. */
  userland: 'busybox' | 'gnu';
  /** Resident memory of the idle default program, MiB. */
  memoryMi: number;
  /** True for images whose entrypoint wraps args (nginx, redis): args do not replace the program. */
  entrypoint: boolean;
  /** How long the default server takes to answer after start, ms (seeded within the range). */
  startupMs: readonly [number, number];
}

const FAST: readonly [number, number] = [50, 400];
const SLOW: readonly [number, number] = [3000, 8000];
const server = (ports: number[], sizeMB: number, memoryMi: number, userland: 'busybox' | 'gnu' = 'gnu', startupMs = FAST): ImageProfile =>
  ({ role: 'server', ports, sizeMB, userland, memoryMi, entrypoint: true, startupMs });
const shell = (sizeMB: number, userland: 'busybox' | 'gnu'): ImageProfile =>
  ({ role: 'shell', ports: [], sizeMB, userland, memoryMi: 1, entrypoint: false, startupMs: FAST });

const CATALOGUE: Record<string, ImageProfile> = {
  nginx: server([80], 70, 6),
  'nginx-unprivileged': server([8080], 70, 6),
  httpd: server([80], 58, 8),
  redis: server([6379], 45, 4),
  postgres: server([5432], 150, 30, 'gnu', SLOW),
  mysql: server([3306], 170, 360, 'gnu', SLOW),
  mariadb: server([3306], 120, 90, 'gnu', SLOW),
  mongo: server([27017], 260, 80, 'gnu', SLOW),
  memcached: server([11211], 30, 3),
  rabbitmq: server([5672, 15672], 90, 110, 'gnu', SLOW),
  traefik: server([80, 8080], 45, 25, 'busybox'),
  haproxy: server([80], 40, 10),
  caddy: server([80, 443], 20, 12, 'busybox'),
  registry: server([5000], 10, 8, 'busybox'),
  echoserver: server([8080], 45, 8),
  'hello-app': server([8080], 10, 4, 'busybox'),
  'http-echo': server([5678], 5, 3, 'busybox'),
  podinfo: server([9898, 9999], 12, 10, 'busybox'),
  kuard: server([8080], 12, 8, 'busybox'),
  etcd: server([2379, 2380], 25, 30),
  coredns: server([53, 8080, 9153], 16, 15),
  pause: { role: 'pause', ports: [], sizeMB: 0.3, userland: 'busybox', memoryMi: 0.3, entrypoint: true, startupMs: FAST },
  busybox: shell(2.2, 'busybox'),
  alpine: shell(3.4, 'busybox'),
  ubuntu: shell(29, 'gnu'),
  debian: shell(49, 'gnu'),
  centos: shell(75, 'gnu'),
  fedora: shell(60, 'gnu'),
  python: shell(370, 'gnu'),
  node: shell(400, 'gnu'),
  perl: shell(340, 'gnu'),
  ruby: shell(330, 'gnu'),
  golang: shell(300, 'gnu'),
  openjdk: shell(330, 'gnu'),
  'eclipse-temurin': shell(200, 'gnu'),
  curl: shell(6, 'busybox'),
  curlimages: shell(6, 'busybox'),
  netshoot: shell(180, 'busybox'),
  'bash': shell(6, 'busybox'),
};

/** Unknown application images serve on their declared ports; sizes vary by name. */
export function imageProfile(ref: ImageRef, seed: number): ImageProfile {
  const base = ref.baseName.replace(/-(alpine|slim)$/, '');
  const known = CATALOGUE[ref.baseName] ?? CATALOGUE[base];
  if (known) {
    const alpine = /alpine/.test(ref.tag) || ref.baseName.endsWith('-alpine');
    return alpine && known.role === 'server' ? { ...known, sizeMB: known.sizeMB * 0.35, userland: 'busybox' } : known;
  }
  return server([], Math.round(between(20, 200, seed, 'image-size', ref.repository)), Math.round(between(20, 120, seed, 'image-mem', ref.repository)), 'gnu', [500, 3000]);
}

/** The size a pull reports: the catalogue size with a per-tag variation, in bytes. */
export function imageSizeBytes(ref: ImageRef, profile: ImageProfile, seed: number): number {
  const variation = between(0.9, 1.1, seed, 'size', ref.normalized);
  return Math.round(profile.sizeMB * variation * 1_000_000) + (hash32(seed, 'bytes', ref.normalized) % 1000);
}

/** `docker.io/library/nginx@sha256:...`: a stable digest per image reference. */
export function imageID(ref: ImageRef, seed: number): string {
  return digests.get(`${seed} ${ref.normalized}`, () => `${ref.repository}@sha256:${hexId(64, seed, 'digest', ref.normalized)}`);
}

/**
 * How long a pull takes once it starts: registry latency plus size over a bandwidth, both seeded per image.
 * `layersCached` (the image, or its layers, is already on the node: a re-pull of `:latest`) costs a round trip only.
 */
export function pullDurationMs(ref: ImageRef, sizeBytes: number, seed: number, layersCached: boolean): number {
  const latency = between(300, 900, seed, 'latency', ref.normalized);
  if (layersCached) return Math.round(latency);
  const bytesPerMs = between(30_000, 70_000, seed, 'bandwidth', ref.normalized); // 30–70 MB/s
  return Math.round(latency + sizeBytes / bytesPerMs);
}

export type PullFailure = 'not-found' | 'unauthorized';

/**
 * The simulated registry has every image except those whose tag says it does not exist: a tag containing
 * `does-not-exist`, `nonexistent`, `not-found`, `missing` or `broken` as a word (`nginx:does-not-exist`,
 * `shop:2.0-broken`). So a rollout to a broken version can be rehearsed with a plain `set image`.
 */
export function missingFromRegistry(ref: ImageRef): PullFailure | undefined {
  return /(^|[-._])(does-not-exist|doesnotexist|nonexistent|non-existent|not-found|notfound|missing|broken)([-._]|$)/i.test(ref.tag) ? 'not-found' : undefined;
}

/** containerd's error for a failed pull, as the kubelet wraps it. */
export function pullErrorMessage(ref: ImageRef, failure: PullFailure): string {
  const reason = failure === 'not-found'
    ? `${ref.normalized}: not found`
    : 'pull access denied, repository does not exist or may require authorization: server message: insufficient_scope: authorization failed';
  const code = failure === 'not-found' ? 'NotFound' : 'Unknown';
  return `rpc error: code = ${code} desc = failed to pull and unpack image "${ref.normalized}": failed to resolve reference "${ref.normalized}": ${reason}`;
}
