import { ConversationType, MessageType, ParleyError, type LiveMessage, type Message, type UploadProgress } from '@parley/sdk';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mp4, pdf, png, wav } from '../../server/test/support/media-fixtures.js';
import { nextEvent, startChatWorld, type ChatWorld } from '../support/parley.js';

let world: ChatWorld;
beforeAll(async () => {
  world = await startChatWorld(['alice', 'bob', 'carol']);
  await world.app.api.createGroup({ groupId: 'team', userIds: ['alice', 'bob', 'carol'], name: 'Team' });
});
afterAll(() => world.close());

const toBob = { conversationType: ConversationType.PRIVATE, targetId: 'bob' };

async function bytesOf(url: string): Promise<Buffer> {
  const response = await fetch(url);
  expect(response.status, url).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

function live<T extends MessageType>(message: Message, type: T): LiveMessage<T> {
  expect(message.recall).toBeNull();
  expect(message.messageType).toBe(type);
  return message as LiveMessage<T>;
}

describe('ParleyClient files', () => {
  it('uploads from Node with progress up to the whole body', async () => {
    const alice = await world.connected('alice');
    const bytes = Buffer.concat([await png(64, 64), Buffer.alloc(300_000)]);
    const progress: UploadProgress[] = [];
    const file = await alice.uploadFile(bytes, { name: 'padded.png', onProgress: (p) => progress.push(p) });
    expect(file).toMatchObject({ category: 'image', width: 64, height: 64, size: bytes.length });
    expect(progress.length).toBeGreaterThan(3);
    const last = progress.at(-1)!;
    expect(last.loaded).toBe(last.total);
    expect(last.total).toBeGreaterThan(bytes.length);
    expect(progress.every((p, i) => i === 0 || p.loaded >= progress[i - 1]!.loaded)).toBe(true);
    expect((await bytesOf(file.url)).equals(bytes)).toBe(true);
  });

  it('sends an image, a file, a voice note and a video; the other user gets typed messages whose URLs serve the exact bytes', async () => {
    const alice = await world.connected('alice');
    const bob = await world.connected('bob');
    const image = await png(800, 600);
    const doc = pdf();
    const voice = wav(2);
    const film = mp4(5, 20_000);
    const cover = await png(320, 180);

    const received: Message[] = [];
    bob.on('new-message', (message) => received.push(message));
    const sent = [
      await alice.sendImage(toBob, new Blob([new Uint8Array(image)], { type: 'image/png' }), { name: 'view.png', caption: 'the view' }),
      await alice.sendFile(toBob, doc, { name: 'Q3 report.pdf' }),
      await alice.sendVoice(toBob, voice, { name: 'note.wav' }),
      await alice.sendVideo(toBob, film, { name: 'clip.mp4', cover, width: 1280, height: 720 }),
    ];
    await expect.poll(() => received.length).toBe(4);
    expect(received.map((m) => m.msgId)).toEqual(sent.map((m) => m.msgId));

    const img = live(received[0]!, MessageType.IMAGE);
    expect(img.content).toMatchObject({ width: 800, height: 600, size: image.length, content: 'the view' });
    expect((await bytesOf(img.content.url)).equals(image)).toBe(true);
    expect((await sharp(await bytesOf(img.content.thumbUrl!)).metadata()).width).toBe(400);

    const file = live(received[1]!, MessageType.FILE);
    expect(file.content).toMatchObject({ name: 'Q3 report.pdf', size: doc.length, mimeType: 'application/pdf' });
    expect((await bytesOf(file.content.url)).equals(doc)).toBe(true);

    const note = live(received[2]!, MessageType.VOICE);
    expect(note.content).toMatchObject({ duration: 2, size: voice.length });
    expect((await bytesOf(note.content.url)).equals(voice)).toBe(true);

    const video = live(received[3]!, MessageType.VIDEO);
    expect(video.content).toMatchObject({ duration: 5, width: 1280, height: 720, size: film.length });
    expect((await bytesOf(video.content.url)).equals(film)).toBe(true);
    expect((await bytesOf(video.content.coverUrl!)).equals(cover)).toBe(true);

    // History lists them, typed, and the conversation list previews the last one.
    const [session] = await bob.getSessions();
    expect(session?.lastMsg?.content).toBe('[Video]');
    const history = await bob.getMessages(session!.sid);
    expect(history.map((m) => m.messageType)).toEqual([MessageType.VIDEO, MessageType.VOICE, MessageType.FILE, MessageType.IMAGE]);
    expect(history[3]!.content).toEqual(img.content);
  });

  it('sends into a group the same way', async () => {
    const alice = await world.connected('alice');
    const carol = await world.connected('carol');
    const arrival = nextEvent(carol, 'new-message');
    await alice.sendImage({ conversationType: ConversationType.GROUP, targetId: 'team' }, await png(10, 20));
    expect(live(await arrival, MessageType.IMAGE).content).toMatchObject({ width: 10, height: 20 });
  });

  it('refuses what the server refuses, with its code, and sends nothing', async () => {
    const alice = await world.connected('alice');
    const refusal = await alice.sendImage(toBob, pdf(), { name: 'not-a-picture.pdf' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ParleyError);
    expect((refusal as ParleyError).code).toBe('FILE_TYPE_MISMATCH');
    const spoofed = await alice.uploadFile(pdf(), { name: 'photo.jpg' }).catch((error: unknown) => error);
    expect((spoofed as ParleyError).code).toBe('FILE_TYPE_MISMATCH');
  });

  it('cancels an upload with its signal', async () => {
    const alice = await world.connected('alice');
    const usage = () => world.t.server.store.forApp(world.app.appId).files.usage();
    const before = await usage();
    const controller = new AbortController();
    const upload = alice.uploadFile(Buffer.alloc(5_000_000), {
      name: 'big.bin',
      signal: controller.signal,
      onProgress: ({ loaded }) => {
        if (loaded > 1_000_000) controller.abort();
      },
    });
    await expect(upload).rejects.toMatchObject({ code: 'ABORTED' });
    await expect.poll(() => world.t.server.services.uploads.pending()).toBe(0);
    expect(await usage()).toEqual(before);
  });
});
