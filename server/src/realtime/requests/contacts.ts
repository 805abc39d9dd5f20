import { z } from 'zod';
import type { Services } from '../../domain/services.js';
import { MAX_BLOCKS_PER_USER } from '../../domain/contacts/block-service.js';
import { blockedUserModel, blockUsersResultModel } from '../../schemas/models.js';
import { blockPayload } from '../../schemas/realtime.js';
import { socketRequest } from '../socket-request.js';

const BLOCK_TEXT =
  "A blocked user's private messages to the user are refused with `BLOCKED` (nothing is stored or delivered) and their private typing is dropped. Nothing else changes for them, and nothing tells them: no push, no change in presence, groups or history. Groups are not affected. See [block lists](../guides/contacts.md).";

/** A user's own block list. */
export function contactRequests(services: Services) {
  const { blocks } = services;
  return [
    socketRequest({
      name: 'block-users',
      summary: 'Blocks users: their private messages to this user are refused and their typing dropped.',
      description: [BLOCK_TEXT, `A user blocks at most ${MAX_BLOCKS_PER_USER} users. Blocking a user already blocked changes nothing (and keeps the first block's time).`].join('\n\n'),
      input: blockPayload,
      output: blockUsersResultModel,
      errors: [
        { code: 'INVALID_PARAMS', when: '`userIds: must name at least one user`; `userIds[0]: …` for a malformed id' },
        { code: 'FORBIDDEN', when: '`userIds: must not include the user themselves`' },
        { code: 'NOT_FOUND', when: '`userIds: user <id> does not exist; …`' },
        { code: 'QUOTA_EXCEEDED', when: `\`userIds: user <id> blocks … users; at most ${MAX_BLOCKS_PER_USER} may be blocked\`` },
      ],
      rateLimit: 'signal',
      example: { payload: { userIds: ['spammer'] }, data: { changed: ['spammer'] } },
      handle: (input, { ctx, userId }) => blocks.block(ctx, userId, input.userIds, 'userIds'),
    }),
    socketRequest({
      name: 'unblock-users',
      summary: 'Lifts blocks; ids that are not blocked (the user\'s own included) are skipped.',
      description: 'From now on their private messages and typing reach the user again. Messages refused while the block lasted are not delivered later: they were never stored.',
      input: blockPayload,
      output: blockUsersResultModel,
      errors: [{ code: 'INVALID_PARAMS', when: '`userIds: must name at least one user`; `userIds[0]: …` for a malformed id' }],
      rateLimit: 'signal',
      example: { payload: { userIds: ['spammer'] }, data: { changed: ['spammer'] } },
      handle: (input, { ctx, userId }) => blocks.unblock(ctx, userId, input.userIds),
    }),
    socketRequest({
      name: 'block-list',
      summary: 'The users this user blocks, oldest block first, with their names.',
      input: null,
      output: z.array(blockedUserModel),
      errors: [],
      example: { data: [{ userId: 'spammer', name: 'Spammer', avatarUri: '', blockedAt: 1796190000000 }] },
      handle: (_input, { ctx, userId }) => blocks.list(ctx, userId),
    }),
  ];
}
