import { MemoryStore } from '../src/store/memory/memory-store.js';
import { storeContract } from './store.contract.js';
import { transferContract } from './store.transfer.contract.js';

storeContract('memory', async () => new MemoryStore());
transferContract('memory', async () => new MemoryStore());
