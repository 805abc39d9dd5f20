import { describe, expect, it } from 'vitest';
import { devicesReplacedBy, type DeviceLogin } from '../src/domain/devices/login-policy.js';

const device = (connectionId: string, platform: DeviceLogin['platform'], connectedAt: number): DeviceLogin => ({ connectionId, platform, connectedAt });

describe('login policy', () => {
  const phone = device('a', 'ios', 100);
  const laptop = device('b', 'web', 100);

  it('multi-device replaces nothing', () => {
    expect(devicesReplacedBy('multi-device', device('c', 'ios', 200), [phone, laptop])).toEqual([]);
  });

  it('one-per-platform replaces the older device of the same platform only', () => {
    const newPhone = device('c', 'ios', 200);
    expect(devicesReplacedBy('one-per-platform', newPhone, [phone, laptop, newPhone])).toEqual([phone]);
  });

  it('of two logins in the same millisecond exactly one survives, whichever looks', () => {
    const first = device('x1', 'android', 300);
    const second = device('x2', 'android', 300);
    const fromFirst = devicesReplacedBy('one-per-platform', first, [first, second]);
    const fromSecond = devicesReplacedBy('one-per-platform', second, [first, second]);
    expect([...fromFirst, ...fromSecond]).toEqual([first]);
  });
});
