import { describe, expect, it } from 'vitest';
import { cli, CONFIG, folder, WEB } from './harness.js';

describe('kubedeck get', () => {
  it('prints the default nodes exactly as kubectl prints four Ready nodes', async () => {
    const dir = folder({});
    const r = await cli(['get', 'nodes', '--at', '0s', '--dir', dir], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        'NAME                     STATUS   ROLES           AGE   VERSION',
        'kubedeck-control-plane   Ready    control-plane   0s    v1.31.0',
        'kubedeck-worker          Ready    <none>          0s    v1.31.0',
        'kubedeck-worker2         Ready    <none>          0s    v1.31.0',
        'kubedeck-worker3         Ready    <none>          0s    v1.31.0',
        '',
      ].join('\n'),
    );
  });

  it('--nodes sets the number of workers and --at moves the clock', async () => {
    const dir = folder({});
    const r = await cli(['get', 'no', '--nodes', '1', '--at', '90s', '--dir', dir], dir);
    expect(r.stdout.trim().split('\n').map((l) => l.split(/\s+/)[0])).toEqual(['NAME', 'kubedeck-control-plane', 'kubedeck-worker']);
    expect(r.stdout).toContain('   90s   ');
  });

  it('prints several kinds as separate tables with kind/name prefixes', async () => {
    const dir = folder({ 'web.yaml': WEB, 'cm.yaml': CONFIG });
    const r = await cli(['get', 'deploy,cm', '-o', 'wide', '--dir', dir], dir);
    expect(r.code).toBe(0);
    const [deployments, configmaps] = r.stdout.split('\n\n');
    expect(deployments).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR\n/);
    expect(deployments).toMatch(/deployment\.apps\/web\s+\d\/3 .*nginx\s+nginx:1\.25\s+app=web/);
    expect(configmaps).toMatch(/^NAME\s+DATA\s+AGE\n/);
    expect(configmaps).toMatch(/\nconfigmap\/settings\s+1\s+/);
  });

  it('-o json prints one object as itself and a list as kind List, shaped like the API', async () => {
    const dir = folder({ 'web.yaml': WEB });
    const one = JSON.parse((await cli(['get', 'deployment/web', '-o', 'json', '--dir', dir], dir)).stdout);
    expect(one).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', generation: 1 } });
    expect(one.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(one.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    const many = JSON.parse((await cli(['get', 'deploy', '-o', 'json', '--dir', dir], dir)).stdout);
    expect(many).toMatchObject({ apiVersion: 'v1', kind: 'List', items: [{ kind: 'Deployment' }] });
  });

  it('-o yaml and -o name', async () => {
    const dir = folder({ 'web.yaml': WEB, 'cm.yaml': CONFIG });
    expect((await cli(['get', 'cm', 'settings', '-o', 'yaml', '--dir', dir], dir)).stdout).toMatch(/^apiVersion: v1\ndata:\n  mode: demo\nkind: ConfigMap\n/);
    expect((await cli(['get', 'deploy,cm', '-o', 'name', '--dir', dir], dir)).stdout).toBe('deployment.apps/web\nconfigmap/settings\n');
  });

  it('filters with label and field selectors, and -A adds a NAMESPACE column', async () => {
    const dir = folder({ 'web.yaml': WEB, 'cm.yaml': CONFIG });
    expect((await cli(['get', 'cm', '-l', 'tier=config', '-o', 'name', '--dir', dir], dir)).stdout).toBe('configmap/settings\n');
    expect((await cli(['get', 'cm', '-l', 'tier in (web,db)', '-o', 'name', '--dir', dir], dir)).stderr).toBe('No resources found in default namespace.\n');
    expect((await cli(['get', 'cm', '--field-selector', 'metadata.name=settings', '-o', 'name', '--dir', dir], dir)).stdout).toBe('configmap/settings\n');
    const all = await cli(['get', 'deploy', '-A', '--dir', dir], dir);
    expect(all.stdout).toMatch(/^NAMESPACE\s+NAME\s+READY/);
    expect(all.stdout).toMatch(/\ndefault\s+web\s/);
  });

  it('speaks kubectl when things are missing or wrong', async () => {
    const dir = folder({ 'web.yaml': WEB });
    const missing = await cli(['get', 'deploy', 'nope', '--dir', dir], dir);
    expect(missing).toMatchObject({ code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n' });
    const empty = await cli(['get', 'pods', '-n', 'kube-public', '--dir', dir], dir);
    expect(empty).toMatchObject({ code: 0, stdout: '', stderr: 'No resources found in kube-public namespace.\n' });
    const unknown = await cli(['get', 'widgets', '--dir', dir], dir);
    expect(unknown).toMatchObject({ code: 1, stderr: 'error: the server doesn\'t have a resource type "widgets"\n' });
    const badFlag = await cli(['get', 'pods', '--colour', '--dir', dir], dir);
    expect(badFlag.code).toBe(2);
    expect(badFlag.stderr).toContain('unknown flag: --colour');
    const badOutput = await cli(['get', 'pods', '-o', 'table', '--dir', dir], dir);
    expect(badOutput.stderr).toContain('unable to match a printer suitable for the output format "table"');
  });

  it('names the file, line and field of a bad manifest, applies the rest and exits 1', async () => {
    const dir = folder({ 'web.yaml': WEB, 'bad.yaml': WEB.replace('name: web', 'name: bad').replace('replicas: 3', 'replicas: lots') });
    const r = await cli(['get', 'deploy', '-o', 'name', '--dir', dir], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('deployment.apps/web\n');
    expect(r.stderr).toMatch(/^bad\.yaml:7:\d+: .*spec\.replicas.*got "string", expected "integer"/m);
  });

  it('is deterministic under a seed and differs across seeds', async () => {
    const dir = folder({ 'web.yaml': WEB });
    const run = async (seed: string) => (await cli(['get', 'deploy', 'web', '-o', 'json', '--seed', seed, '--dir', dir], dir)).stdout;
    expect(await run('7')).toBe(await run('7'));
    expect(await run('7')).not.toBe(await run('8'));
  });

  it('describes a node as kubectl does, events last', async () => {
    const dir = folder({});
    const r = await cli(['describe', 'node', 'kubedeck-worker', '--dir', dir], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Name:\s+kubedeck-worker\nRoles:\s+<none>\n/);
    expect(r.stdout).toMatch(/PodCIDR:\s+10\.244\.1\.0\/24/);
    const events = r.stdout.slice(r.stdout.indexOf('\nEvents:') + 1).trimEnd().split('\n');
    expect(events[0]).toMatch(/^Events:$/);
    expect(events.slice(1).every((l) => l.startsWith('  '))).toBe(true);
    expect(r.stdout).toMatch(/Normal\s+RegisteredNode\s+\d+s\s+node-controller\s+Node kubedeck-worker event: Registered Node kubedeck-worker in Controller/);
  });

  it('--help for the program and each command', async () => {
    const dir = folder({});
    const top = await cli(['--help'], dir);
    expect(top.code).toBe(0);
    for (const c of ['get', 'describe', 'logs', 'apply', 'delete', 'scale', 'rollout', 'set', 'cordon', 'uncordon', 'run']) {
      expect(top.stdout).toContain(`  ${c} `);
      const help = await cli([c, '--help'], dir);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`kubedeck ${c}`);
    }
  });
});
