// The page guard: a beforeunload guard and a screen wake lock that exist only while uploads
// run (issue 20, item 4), checked in real Chromium with a cancelable beforeunload event.
import { describe, expect, it } from 'vitest';
import { PageGuard } from '../../src/page-guard.js';

function unloadPrevented(): boolean {
  const event = new Event('beforeunload', { cancelable: true });
  window.dispatchEvent(event);
  return event.defaultPrevented;
}

function guardWith(state: { busy: boolean; guard: boolean }) {
  const controllers: { hostConnected?: () => void }[] = [];
  const host = {
    addController: (c: { hostConnected?: () => void }) => controllers.push(c),
    removeController: () => {},
    requestUpdate: () => {},
    updateComplete: Promise.resolve(true),
  };
  const guard = new PageGuard(host, { busy: () => state.busy, guardUnload: () => state.guard });
  for (const c of controllers) c.hostConnected?.();
  return guard;
}

describe('page guard', () => {
  it('asks before unload only while uploads run, and stops asking when they end', () => {
    const state = { busy: false, guard: true };
    const guard = guardWith(state);
    expect(unloadPrevented()).toBe(false);
    state.busy = true;
    guard.sync();
    expect(guard.guarding).toBe(true);
    expect(unloadPrevented()).toBe(true);
    state.busy = false;
    guard.sync();
    expect(guard.guarding).toBe(false);
    expect(unloadPrevented()).toBe(false);
    guard.release();
  });

  it('never asks when the app turned the guard off, busy or not', () => {
    const state = { busy: true, guard: false };
    const guard = guardWith(state);
    expect(unloadPrevented()).toBe(false);
    state.guard = true;
    guard.sync();
    expect(unloadPrevented()).toBe(true);
    guard.release();
    expect(unloadPrevented()).toBe(false);
  });

  it('holds a screen wake lock while busy (Chromium grants it to a visible page), and releases it when idle', async () => {
    const state = { busy: true, guard: true };
    const guard = guardWith(state);
    await expect.poll(() => guard.awake, { timeout: 2000 }).toBe(true);
    state.busy = false;
    guard.sync();
    expect(guard.awake).toBe(false);
    guard.release();
  });
});
