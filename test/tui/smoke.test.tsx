import { afterEach, describe, expect, it } from 'vitest';
import { openDashboard, type Dashboard } from './harness.js';

let d: Dashboard | undefined;
afterEach(async () => {
  await d?.close();
  d = undefined;
});

describe('smoke', () => {
  it('draws pods', async () => {
    const t0 = performance.now();
    d = await openDashboard();
    console.log('open', performance.now() - t0);
    console.log(d.screen());
    const s = await d.press(':', 'd', 'e', 'p', 'l', 'o', 'y', 'enter');
    console.log(s);
    console.log(await d.press('ctrl-d'));
    console.log(await d.press('esc'));
  });
});
