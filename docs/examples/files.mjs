import { ConversationType, MessageType, ParleyClient, ParleyError } from '@parley/sdk';
import { ParleyServerApi } from '@parley/sdk/server';

const url = process.env.PARLEY_URL ?? 'http://localhost:3000';
const appId = process.env.PARLEY_APP_ID;

// --- your backend: mints tokens with the app secret ------------------------------------------------
const api = new ParleyServerApi({ baseUrl: url, appId, appSecret: process.env.PARLEY_APP_SECRET });
const tokenFor = async (userId, name) => (await api.getToken({ userId, name })).token;

const alice = new ParleyClient({ url, appId, getToken: () => tokenFor('alice', 'Alice') });
const bob = new ParleyClient({ url, appId, getToken: () => tokenFor('bob', 'Bob') });
await Promise.all([alice.connect(), bob.connect()]);

// --- three files, made here so the example needs nothing else ------------------------------------------
// A 64 × 48 PNG, a short text file, and one second of silence as a WAV voice note.
const picture = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAIAAAAuKetIAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAQ0lEQVRo3u3PQQkAAAgEsMtlNXPaxwp+hcEKLNXzWgQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQErha1aXkPLSJHrAAAAABJRU5ErkJggg==',
  'base64',
);
const notes = Buffer.from('Agenda: launch on Friday.\n');
const voice = wav(1);

// --- Alice sends them; Bob receives typed messages -------------------------------------------------
const toBob = { conversationType: ConversationType.PRIVATE, targetId: 'bob' };
const received = [];
const allThree = new Promise((resolve) => bob.on('new-message', (m) => received.push(m) === 3 && resolve()));

await alice.sendImage(toBob, picture, { name: 'sky.png', caption: 'the sky today', onProgress: ({ loaded, total }) => loaded === total && console.log(`image uploaded (${total} bytes sent)`) });
await alice.sendFile(toBob, notes, { name: 'agenda.txt' });
await alice.sendVoice(toBob, voice, { name: 'hello.wav' });
await allThree;

for (const message of received) {
  const { content } = message;
  const same = async (link, bytes) => Buffer.from(await (await fetch(link)).arrayBuffer()).equals(bytes);
  if (message.messageType === MessageType.IMAGE) {
    const thumb = await fetch(content.thumbUrl);
    console.log(`bob got an image ${content.width}×${content.height}, "${content.content}", bytes identical: ${await same(content.url, picture)}, thumbnail: ${thumb.headers.get('content-type')}`);
  } else if (message.messageType === MessageType.FILE) {
    console.log(`bob got a file ${content.name} (${content.size} bytes, ${content.mimeType}), bytes identical: ${await same(content.url, notes)}`);
  } else if (message.messageType === MessageType.VOICE) {
    console.log(`bob got a voice note of ${content.duration} s, bytes identical: ${await same(content.url, voice)}`);
  }
}
const [session] = await bob.getSessions();
console.log(`bob's conversation list shows: ${session.lastMsg.content}`);

// --- a bad upload is refused with a clear code ----------------------------------------------------------
try {
  await alice.uploadFile(Buffer.from('<html><script>alert(1)</script></html>'), { name: 'cat.png' });
} catch (error) {
  if (!(error instanceof ParleyError)) throw error;
  console.log(`refused: ${error.code}`);
}

alice.disconnect();
bob.disconnect();

/** A PCM WAV of `seconds` of silence, 8 kHz, 8-bit mono. */
function wav(seconds) {
  const data = Buffer.alloc(8000 * seconds, 0x80);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(8000, 24);
  header.writeUInt32LE(8000, 28);
  header.writeUInt16LE(1, 32);
  header.writeUInt16LE(8, 34);
  header.write('data', 36);
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}
