/**
 * The Lua scripts of the Redis presence registry. Each runs atomically in Redis, so two processes
 * racing on one user never both see "first device" or "last device".
 *
 * A user's devices hash (`keys.ts`) holds one field per device, `c:<connectionId>` ->
 * `<expiresAt>|<seq>|<platform>`, and a counter `n` that gives each new device the next `seq`
 * (platforms are answered in the order their first device connected, as the memory adapter
 * does). A device whose `expiresAt` is not after `now` has lapsed: its process stopped refreshing
 * it. Every script first deletes the lapsed devices of the users it touches (`settle`).
 *
 * Invariant kept by every script that leaves a user with live devices: the user's `seen` key
 * holds the latest `expiresAt` of them, i.e. the moment the user goes offline if no process
 * refreshes them. So when the last device lapses, `seen` already says when, even if the hash
 * itself is gone by then. When the last device leaves normally, `seen` is set to `now`.
 *
 * `now` comes from the calling process's clock (ARGV), as centrifuge's Redis presence does; the
 * processes' clocks must agree to well within the presence TTL (NTP).
 */

const PRELUDE = `
local function parse(value)
  local exp, seq, platform = string.match(value, '^(%d+)|(%d+)|(.*)$')
  return tonumber(exp), tonumber(seq), platform
end

-- Deletes the lapsed devices of one user; returns the live ones (field -> {exp, seq, platform}) and their count.
local function settle(key, now)
  local flat = redis.call('HGETALL', key)
  local live, count, lapsed = {}, 0, {}
  for i = 1, #flat, 2 do
    local field = flat[i]
    if string.sub(field, 1, 2) == 'c:' then
      local exp, seq, platform = parse(flat[i + 1])
      if exp ~= nil and exp > now then
        live[field] = { exp, seq, platform }
        count = count + 1
      else
        lapsed[#lapsed + 1] = field
      end
    end
  end
  for i = 1, #lapsed, 500 do
    redis.call('HDEL', key, unpack(lapsed, i, math.min(i + 499, #lapsed)))
  end
  return live, count
end

-- Registers or refreshes one device; a device already registered keeps its seq.
local function put(key, live, field, exp, platform)
  local current = live[field]
  local seq
  if current then seq = current[2] else seq = redis.call('HINCRBY', key, 'n', 1) end
  redis.call('HSET', key, field, string.format('%d|%d|%s', exp, seq, platform))
  live[field] = { exp, seq, platform }
end

-- After a change that leaves live devices: seen = their latest expiry; the hash outlives it by one TTL.
local function keep(key, seenKey, live, now, ttl)
  local last = 0
  for _, device in pairs(live) do
    if device[1] > last then last = device[1] end
  end
  redis.call('SET', seenKey, string.format('%d', last))
  redis.call('PEXPIRE', key, string.format('%d', last - now + ttl))
end
`;

/**
 * KEYS: devices, seen. ARGV: now, ttl, field, platform.
 * Returns 1 when the user had no live device before (they came online), else 0.
 */
export const CONNECT = `${PRELUDE}
local key, seenKey = KEYS[1], KEYS[2]
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local live, count = settle(key, now)
put(key, live, ARGV[3], now + ttl, ARGV[4])
keep(key, seenKey, live, now, ttl)
if count == 0 then return 1 end
return 0
`;

/**
 * KEYS: devices, seen. ARGV: now, ttl, field.
 * Returns 1 when the device was the user's last live one (they went offline), else 0. A device
 * that is unknown or had already lapsed returns 0: its user went offline when it lapsed.
 */
export const DISCONNECT = `${PRELUDE}
local key, seenKey = KEYS[1], KEYS[2]
local now, ttl, field = tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3]
local live, count = settle(key, now)
if live[field] == nil then
  if count == 0 then redis.call('DEL', key) end
  return 0
end
live[field] = nil
if count == 1 then
  redis.call('DEL', key)
  redis.call('SET', seenKey, string.format('%d', now))
  return 1
end
redis.call('HDEL', key, field)
keep(key, seenKey, live, now, ttl)
return 0
`;

/**
 * KEYS: devices, seen for each device (a user may appear more than once). ARGV: now, ttl, then
 * field, platform for each device. Extends every device to now + ttl, registering again any that
 * is missing (Redis lost it, or it lapsed while this process stalled). Returns how many were missing.
 */
export const REFRESH = `${PRELUDE}
local now, ttl = tonumber(ARGV[1]), tonumber(ARGV[2])
local restored = 0
for i = 1, #KEYS, 2 do
  local key, seenKey = KEYS[i], KEYS[i + 1]
  local field, platform = ARGV[i + 2], ARGV[i + 3]
  local live = settle(key, now)
  if live[field] == nil then restored = restored + 1 end
  put(key, live, field, now + ttl, platform)
  keep(key, seenKey, live, now, ttl)
end
return restored
`;

/**
 * KEYS: devices, seen for each user. ARGV: now.
 * Returns one row per user: `{seen or '', platform...}`, the distinct platforms of the live
 * devices in connect order. No platform means offline; `seen` is then the last-seen time.
 */
export const QUERY = `${PRELUDE}
local now = tonumber(ARGV[1])
local rows = {}
for i = 1, #KEYS, 2 do
  local live, count = settle(KEYS[i], now)
  if count == 0 then
    redis.call('DEL', KEYS[i])
    rows[#rows + 1] = { redis.call('GET', KEYS[i + 1]) or '' }
  else
    local devices = {}
    for _, device in pairs(live) do devices[#devices + 1] = device end
    table.sort(devices, function(a, b) return a[2] < b[2] end)
    local row, listed = { '' }, {}
    for _, device in ipairs(devices) do
      if not listed[device[3]] then
        listed[device[3]] = true
        row[#row + 1] = device[3]
      end
    end
    rows[#rows + 1] = row
  end
end
return rows
`;
