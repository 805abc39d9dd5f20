import { ConversationType, MessageType, ParleyClient, ParleyError, conversationKeyOf } from '@parley/sdk';
import { ParleyServerApi } from '@parley/sdk/server';

const url = process.env.PARLEY_URL ?? 'http://localhost:3000';
const appId = process.env.PARLEY_APP_ID;

// --- your backend: the only place that knows the app secret -------------------------------------
const api = new ParleyServerApi({ baseUrl: url, appId, appSecret: process.env.PARLEY_APP_SECRET });
const tokenFor = async (userId, name) => (await api.getToken({ userId, name })).token;

// --- two end users' devices -----------------------------------------------------------------------
const alice = new ParleyClient({ url, appId, getToken: () => tokenFor('alice', 'Alice') });
const bob = new ParleyClient({ url, appId, getToken: () => tokenFor('bob', 'Bob') });

alice.on('state', ({ state, previous }) => console.log(`alice: ${previous} -> ${state}`));
for (const client of [alice, bob]) client.on('error', (err) => console.warn('background error', err.code, err.message));

// Resolves with the next `event` of `client`. Call it before the action that causes the event.
const next = (client, event) => new Promise((resolve) => client.once(event, resolve));

await Promise.all([alice.connect(), bob.connect()]);
console.log('connected as', alice.userId, 'and', bob.userId);

// Alice sends two messages; Bob receives each one in real time.
const send = async (text) => {
  const received = next(bob, 'new-message');
  const sent = await alice.sendPrivateMessage({ targetId: 'bob', messageType: MessageType.TEXT, content: { content: text } });
  console.log(`alice sent #${sent.seq} (clientMsgId ${sent.clientMsgId})`);
  const message = await received;
  console.log(`bob got [${conversationKeyOf(message, bob.userId)} #${message.seq}] ${message.sendUser.name}: ${message.content.content}`);
  return sent;
};
await send('Hello Bob');

// Alice types the next one: Bob sees it (by default typing reaches only users she has a conversation with).
const typing = next(bob, 'typing');
await alice.typing({ conversationType: ConversationType.PRIVATE, targetId: 'bob' });
console.log(`bob sees: ${(await typing).userId} is typing…`);
const second = await send('Lunch at 1?');

// Bob's conversation list, with the unread count; then the history, newest first.
const [session] = await bob.getSessions();
console.log(`bob's sessions: ${session.title}, ${session.unread} unread (lastSeq ${session.lastSeq}, readSeq ${session.readSeq})`);
const history = await bob.getMessages(session.sid, { limit: 20 });
console.log('history, newest first:', history.map((m) => m.content.content));

// Bob reads everything: Alice gets a read receipt.
const receipt = next(alice, 'read-receipt');
const read = await bob.markRead(session.sid);
console.log(`bob marked read: readSeq ${read.readSeq}, unread ${read.unread}`);
const { userId, readSeq } = await receipt;
console.log(`alice sees: ${userId} read up to #${readSeq}`);

// Alice takes her second message back: Bob sees it recalled.
const recallSeen = next(bob, 'message-recalled');
const recalled = await alice.recall(second.msgId);
console.log('recalled content:', JSON.stringify(recalled.content));
const gone = await recallSeen;
console.log(`bob sees: message #${gone.seq} recalled by ${gone.recall.by}`);

// Presence: Alice asks about Bob.
const [bobPresence] = await alice.presence(['bob']);
console.log(`bob is ${bobPresence.online ? 'online on ' + bobPresence.platforms.join(', ') : 'offline'}`);

// A mistake comes back as a ParleyError with a stable code.
try {
  await alice.sendPrivateMessage({ targetId: 'nobody', messageType: MessageType.TEXT, content: { content: 'hello?' } });
} catch (err) {
  if (!(err instanceof ParleyError)) throw err;
  console.log('refused:', err.code, err.message);
}

alice.disconnect();
bob.disconnect();
