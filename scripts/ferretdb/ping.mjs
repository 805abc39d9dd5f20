// Asks a MongoDB wire-protocol server for `{ping: 1}` and exits 0 once it answers `ok: 1`.
//
// Usage: node scripts/ferretdb/ping.mjs mongodb://127.0.0.1:27017/ [timeout-seconds]
//
// Plain JavaScript with no dependencies, on purpose: CI starts the services before `npm ci`, so
// neither tsx nor the `mongodb` driver is installed yet. It speaks just enough of the protocol
// (one OP_MSG with a hand-encoded BSON document) to prove the server parses commands and answers,
// which a TCP connect alone does not. Retries until the timeout (default 30 s).
import net from 'node:net';

const OP_MSG = 2013;

/** BSON for `{ping: 1, $db: "admin"}`. */
function pingDocument() {
  const cstring = (s) => Buffer.from(`${s}\0`, 'utf8');
  const int32 = (n) => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return b;
  };
  const db = Buffer.from('admin\0', 'utf8');
  const body = Buffer.concat([
    Buffer.from([0x10]), cstring('ping'), int32(1),
    Buffer.from([0x02]), cstring('$db'), int32(db.length), db,
    Buffer.from([0x00]),
  ]);
  return Buffer.concat([int32(body.length + 4), body]);
}

function opMsg(requestId, doc) {
  const header = Buffer.alloc(16 + 4 + 1);
  header.writeInt32LE(header.length + doc.length, 0);
  header.writeInt32LE(requestId, 4);
  header.writeInt32LE(0, 8); // responseTo
  header.writeInt32LE(OP_MSG, 12);
  header.writeUInt32LE(0, 16); // flagBits
  header.writeUInt8(0, 20); // section kind 0: one body document
  return Buffer.concat([header, doc]);
}

/** Reads the top-level `ok` field of a BSON document (double, int32 or int64), or undefined. */
function readOk(doc) {
  const fixed = { 0x01: 8, 0x07: 12, 0x08: 1, 0x09: 8, 0x0a: 0, 0x10: 4, 0x11: 8, 0x12: 8, 0x13: 16 };
  let i = 4;
  while (i < doc.length && doc[i] !== 0) {
    const type = doc[i];
    const end = doc.indexOf(0, i + 1);
    const name = doc.toString('utf8', i + 1, end);
    let v = end + 1;
    if (name === 'ok') {
      if (type === 0x01) return doc.readDoubleLE(v);
      if (type === 0x10) return doc.readInt32LE(v);
      if (type === 0x12) return Number(doc.readBigInt64LE(v));
      return undefined;
    }
    if (type in fixed) v += fixed[type];
    else if (type === 0x02 || type === 0x0d || type === 0x0e) v += 4 + doc.readInt32LE(v);
    else if (type === 0x03 || type === 0x04) v += doc.readInt32LE(v);
    else if (type === 0x05) v += 5 + doc.readInt32LE(v);
    else return undefined; // a type this helper does not skip; ping's answer has none
    i = v;
  }
  return undefined;
}

function pingOnce(host, port) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const chunks = [];
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('error', reject);
    socket.on('connect', () => socket.write(opMsg(1, pingDocument())));
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      const buf = Buffer.concat(chunks);
      if (buf.length < 4 || buf.length < buf.readInt32LE(0)) return;
      socket.end();
      if (buf.readInt32LE(12) !== OP_MSG) return reject(new Error(`answer has opCode ${buf.readInt32LE(12)}, not OP_MSG`));
      const ok = readOk(buf.subarray(21));
      if (ok === 1) resolve();
      else reject(new Error(`ping answered without ok: 1 (ok: ${ok})`));
    });
  });
}

const [url, timeoutArg] = process.argv.slice(2);
if (!url) {
  console.error('usage: node scripts/ferretdb/ping.mjs mongodb://HOST:PORT/ [timeout-seconds]');
  process.exit(2);
}
const { hostname, port } = new URL(url);
const deadline = Date.now() + Number(timeoutArg ?? 30) * 1000;
for (;;) {
  try {
    await pingOnce(hostname.replace(/^\[|\]$/g, ''), Number(port || 27017));
    break;
  } catch (error) {
    if (Date.now() > deadline) {
      console.error(`ping ${url}: ${error.message}`);
      process.exit(1);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
