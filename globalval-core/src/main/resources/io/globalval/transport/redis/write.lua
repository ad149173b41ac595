-- globalval: sequence one write of one application, atomically (Redis runs a script alone).
--
-- KEYS[1] revision   string: the last revision given to a change
-- KEYS[2] values     hash:   key -> the value's JSON bytes
-- KEYS[3] revisions  hash:   key -> the revision that wrote the value
-- KEYS[4] changes    stream: one entry per revision, id '<revision>-0', trimmed to ~ARGV[10] entries
-- KEYS[5] writes     zset:   this origin's recent write ids, score = seq, member = 'seq|revision|success|number'
-- KEYS[6] epoch      string: random id of this history, made by the first write after the keys were empty
-- KEYS[7] last       string: the write id '<origin>:<seq>' of the change at the last revision; each
--                    stream entry names the one before it ('p'), so followers notice a forked history
--
-- ARGV[1] op: S set, D delete, C compare-and-set, I increment, B resync (every follower reloads a snapshot)
-- ARGV[2] key          ARGV[3] value          ARGV[4] expected value     ARGV[5] '1' if a value is expected
-- ARGV[6] delta        ARGV[7] origin node id ARGV[8] seq                ARGV[9] origin nanos
-- ARGV[10] stream max length   ARGV[11] the origin's lowest unsettled seq   ARGV[12] write id retention (ms)
-- ARGV[13] epoch candidate     ARGV[14] most write ids kept per origin
--
-- Answers {'ok', record} for a write done now, {'dup', record} for a write seen before (changed nothing
-- now), {'rej', 'nan' | 'overflow', current value} for an increment that is not possible. Every check
-- that can refuse comes before the first change, so a refused write changes nothing.
local op, key, seq = ARGV[1], ARGV[2], ARGV[8]

-- exactly once: a write seen before is answered with its first outcome
local seen = redis.call('ZRANGEBYSCORE', KEYS[5], seq, seq, 'LIMIT', 0, 1)
if seen[1] then
  -- a write, though it changes nothing a reader sees: the WAIT that follows (replicas-to-ack) covers
  -- this connection's writes up to its last one that was replicated; without one here, a retry on a
  -- connection that wrote nothing since a failover would be acknowledged by a WAIT that covers nothing
  redis.call('PEXPIRE', KEYS[5], ARGV[12])
  return {'dup', seen[1]}
end

local function current_revision()
  return redis.call('GET', KEYS[1]) or '0'
end

local function remember(revision, success, number)
  local record = seq .. '|' .. revision .. '|' .. success .. '|' .. number
  redis.call('ZADD', KEYS[5], seq, record)
  -- the origin has settled every write below ARGV[11]: none of them can arrive again
  redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. ARGV[11])
  local excess = redis.call('ZCARD', KEYS[5]) - tonumber(ARGV[14])
  if excess > 0 then
    redis.call('ZREMRANGEBYRANK', KEYS[5], 0, excess - 1)
  end
  -- the ids of an origin that stopped writing go away by themselves
  redis.call('PEXPIRE', KEYS[5], ARGV[12])
  return {'ok', record}
end

local value = ARGV[3]
local number = '0'
if op == 'D' then
  if redis.call('HEXISTS', KEYS[2], key) == 0 then
    return remember(current_revision(), '0', '0')
  end
  value = false
elseif op == 'C' then
  -- byte equality: the node sends the exact bytes its replica holds when they equal the expected value
  local current = redis.call('HGET', KEYS[2], key)
  local matches
  if ARGV[5] == '1' then
    matches = (current == ARGV[4])
  else
    matches = (current == false)
  end
  if not matches then
    return remember(current_revision(), '0', '0')
  end
elseif op == 'I' then
  -- HINCRBY does exact 64-bit arithmetic (Lua numbers are doubles) and refuses before it changes anything
  local result = redis.pcall('HINCRBY', KEYS[2], key, ARGV[6])
  if type(result) == 'table' and result.err then
    if string.find(result.err, 'WRONGTYPE', 1, true) then
      return redis.error_reply(result.err)
    end
    local current = redis.call('HGET', KEYS[2], key) or ''
    if string.find(result.err, 'overflow', 1, true) then
      return {'rej', 'overflow', current}
    end
    return {'rej', 'nan', current}
  end
  value = redis.call('HGET', KEYS[2], key)
  number = value
elseif op == 'B' then
  value = false
elseif op ~= 'S' then
  return redis.error_reply('ERR globalval: unknown write op ' .. op)
end

local epoch = redis.call('GET', KEYS[6])
if not epoch then
  epoch = ARGV[13]
  redis.call('SET', KEYS[6], epoch)
end
local revision = string.format('%d', redis.call('INCR', KEYS[1]))
local fields = {'e', epoch, 'o', ARGV[7], 's', seq, 'n', ARGV[9]}
local previous = redis.call('GET', KEYS[7])
if previous then
  fields[#fields + 1] = 'p'
  fields[#fields + 1] = previous
end
if op ~= 'B' then
  fields[#fields + 1] = 'k'
  fields[#fields + 1] = key
  if value then
    fields[#fields + 1] = 'v'
    fields[#fields + 1] = value
  end
end
local added = redis.pcall('XADD', KEYS[4], 'MAXLEN', '~', ARGV[10], revision .. '-0', unpack(fields))
if type(added) == 'table' and added.err then
  -- the counter is behind the stream (its key was deleted by hand): go on after the stream's last entry
  local last = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
  if not last[1] then
    return redis.error_reply(added.err)
  end
  revision = string.format('%d', tonumber(string.match(last[1][1], '^(%d+)')) + 1)
  redis.call('SET', KEYS[1], revision)
  redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[10], revision .. '-0', unpack(fields))
end
redis.call('SET', KEYS[7], ARGV[7] .. ':' .. seq)
if op ~= 'B' then
  if value then
    if op ~= 'I' then
      redis.call('HSET', KEYS[2], key, value)
    end
    redis.call('HSET', KEYS[3], key, revision)
  else
    redis.call('HDEL', KEYS[2], key)
    redis.call('HDEL', KEYS[3], key)
  end
end
return remember(revision, '1', number)
