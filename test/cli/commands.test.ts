import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/argv.js';
import { GET_FLAGS } from '../../src/cli/commands/get.js';
import { watchGet } from '../../src/cli/commands/watchGet.js';
import { executeCommand } from '../../src/cli/kubectl.js';
import { createCluster, type Cluster } from '../../src/engine/cluster.js';
import { deployment, ownerRef, pod, replicaSet } from '../engine/fixtures.js';

function setup(): { cluster: Cluster; run: (line: string) => Promise<{ code: number; out: string; err: string }> } {
  const cluster = createCluster({ seed: 1 });
  cluster.ensureDefaultNodes();
  const run = async (line: string) => {
    let out = '';
    let err = '';
    const code = await executeCommand(line.split(' '), { cluster, cwd: '/', out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  };
  return { cluster, run };
}

describe('commands that change things', () => {
  it('delete cascades in the background, or orphans the dependents on request', async () => {
    const { cluster, run } = setup();
    const web = cluster.create(deployment('web'));
    cluster.create(replicaSet('web-1', ownerRef(web)));
    const api = cluster.create(deployment('api'));
    cluster.create(replicaSet('api-1', ownerRef(api)));
    expect(await run('delete deployment/web')).toEqual({ code: 0, out: 'deployment.apps "web" deleted\n', err: '' });
    expect(cluster.get('ReplicaSet', 'default', 'web-1')).toBeUndefined();
    expect((await run('delete deploy api --cascade=orphan')).out).toBe('deployment.apps "api" deleted\n');
    expect(cluster.get('ReplicaSet', 'default', 'api-1')?.metadata.ownerReferences).toBeUndefined();
  });

  it('delete goes on after a missing name and exits 1; a bad cascade is an error', async () => {
    const { cluster, run } = setup();
    cluster.create(pod('a'));
    expect(await run('delete pod ghost a')).toEqual({
      code: 1,
      out: 'pod "a" deleted\n',
      err: 'Error from server (NotFound): pods "ghost" not found\n',
    });
    expect((await run('delete pod a --cascade=sideways')).err).toBe('error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"\n');
    expect((await run('delete pods')).err).toBe('error: resource(s) were provided, but no name was specified\n');
  });

  it('scale, set image and rollout pause/resume/restart print kubectl\'s messages', async () => {
    const { cluster, run } = setup();
    cluster.create(deployment('web'));
    expect((await run('scale deployment/web --replicas=5')).out).toBe('deployment.apps/web scaled\n');
    expect(cluster.get('Deployment', 'default', 'web')?.spec.replicas).toBe(5);
    expect((await run('scale deployment/web --replicas=-1')).err).toBe('error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n');
    expect((await run('scale deployment/web --replicas=3000000000')).err).toBe('error: invalid argument "3000000000" for "--replicas" flag: strconv.ParseInt: parsing "3000000000": value out of range\n');
    expect((await run('set image deployment/web app=nginx:1.27')).out).toBe('deployment.apps/web image updated\n');
    expect((await run('set image deployment/web app=nginx:1.27')).out).toBe('deployment.apps/web image unchanged\n');
    expect((await run('set image deployment/web sidecar=x')).err).toBe('error: unable to find container named "sidecar"\n');
    expect((await run('rollout pause deployment/web')).out).toBe('deployment.apps/web paused\n');
    expect((await run('rollout pause deployment/web')).err).toBe('error: deployments.apps "web" is already paused\n');
    expect((await run('rollout restart deployment/web')).err).toBe("error: can't restart paused deployment (run rollout resume first)\n");
    expect((await run('rollout resume deployment/web')).out).toBe('deployment.apps/web resumed\n');
    expect((await run('rollout restart deployment/web')).out).toBe('deployment.apps/web restarted\n');
    const template = cluster.get('Deployment', 'default', 'web')!.spec.template;
    expect(template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBe('2025-01-01T00:00:00Z');
  });

  it('cordon and uncordon, with kubectl\'s "already" messages', async () => {
    const { cluster, run } = setup();
    expect((await run('cordon kubedeck-worker2')).out).toBe('node/kubedeck-worker2 cordoned\n');
    expect((await run('cordon kubedeck-worker2')).out).toBe('node/kubedeck-worker2 already cordoned\n');
    expect(cluster.get('Node', undefined, 'kubedeck-worker2')?.spec?.unschedulable).toBe(true);
    expect((await run('uncordon kubedeck-worker2')).out).toBe('node/kubedeck-worker2 uncordoned\n');
    expect((await run('cordon nowhere')).err).toBe('Error from server (NotFound): nodes "nowhere" not found\n');
  });

  it('rejects a resource type next to TYPE/NAME arguments, as kubectl does', async () => {
    const { run } = setup();
    expect((await run('get deploy deploy/web')).err).toMatch(/^error: there is no need to specify a resource type as a separate argument/);
    expect((await run('get deploy,po web')).err).toMatch(/^error: you may only specify a single resource type/);
  });
});

describe('describe and logs', () => {
  it('describe matches names by prefix when nothing matches exactly', async () => {
    const { cluster, run } = setup();
    cluster.create(pod('web-abc12'));
    cluster.create(pod('web-def34'));
    const r = await run('describe pod web');
    expect(r.out.match(/^Name:\s+\S+$/gm)?.map((l) => l.split(/\s+/)[1])).toEqual(['web-abc12', 'web-def34']);
    expect((await run('describe pod api')).err).toBe('Error from server (NotFound): pods "api" not found\n');
  });

  it('logs prints a container\'s lines, with -c, --tail and --timestamps, and says why there are none', async () => {
    const { cluster, run } = setup();
    const p = pod('job-1', { nodeName: 'kubedeck-worker' });
    cluster.create({ ...p, spec: { ...p.spec, containers: [...p.spec.containers, { name: 'sidecar', image: 'busybox' }] } });
    const t0 = cluster.clock.now();
    cluster.logs.append('default', 'job-1', 'app', t0 + 1500, 'hello');
    cluster.logs.append('default', 'job-1', 'app', t0 + 2000, 'world');
    expect(await run('logs job-1')).toEqual({ code: 0, out: 'hello\nworld\n', err: 'Defaulted container "app" out of: app, sidecar\n' });
    expect((await run('logs job-1 -c app --tail=1 --timestamps')).out).toBe('2025-01-01T00:00:02.000000000Z world\n');
    expect((await run('logs job-1 -c sidecar')).err).toBe('Error from server (BadRequest): container "sidecar" in pod "job-1" is waiting to start: ContainerCreating\n');
    expect((await run('logs job-1 -c nope')).err).toBe('Error from server (BadRequest): container nope is not valid for pod job-1\n');
    cluster.create(pod('pending'));
    expect((await run('logs pending')).err).toBe('Error from server (BadRequest): pod pending does not have a host assigned\n');
  });
});

describe('get --watch', () => {
  it('prints the list, then a row for each change, until stopped', async () => {
    const cluster = createCluster({ seed: 1 });
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { k: '1' } });
    let out = '';
    let stop!: () => void;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    const watching = watchGet(parseArgs(['configmaps'], GET_FLAGS), cluster, { cluster, cwd: '/', out: (t) => (out += t), err: (t) => (out += t), fail: () => undefined }, stopped);
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' } });
    cluster.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'other' }, data: {} });
    cluster.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'ignored' } });
    cluster.delete('ConfigMap', 'default', 'a');
    stop();
    await watching;
    expect(out.split('\n').map((l) => l.split(/\s+/).slice(0, 2).join(' '))).toEqual(['NAME DATA', 'a 1', 'b 0', 'other 0', 'a 1', '']);
  });
});
