import { MemoryBus } from '../src/bus/memory/memory-bus.js';
import { busContract, ContractClock } from './bus.contract.js';

busContract(
  'memory',
  async () => {
    const clock = new ContractClock();
    const bus = new MemoryBus(clock);
    return {
      bus,
      clock,
      // Devices live as long as the process; nothing lapses while it runs.
      presenceTtlMs: 60_000,
      advance: async (ms) => clock.advance(ms),
      openProcess: () => Promise.reject(new Error('the memory bus serves one process only')),
      close: () => bus.close(),
    };
  },
  { processes: 'one' },
);
