-- globalval: sequence a batch of writes of one origin, in order, atomically (Redis runs a script
-- alone). A process sends one write at a time while Redis keeps up, and the writes that queued
-- meanwhile as one batch: one command, one answer, one script call for all of them.
--
-- KEYS[1] revision   string: the last revision given to a change
-- KEYS[2] values     hash:   key -> the value's JSON bytes
-- KEYS[3] revisions  hash:   key -> the revision that wrote the value
-- KEYS[4] changes    stream: one entry per revision, id '<revision>-0', trimmed to ~ARGV[2] entries
-- KEYS[5] writes     zset:   the origin's recent write ids, score = seq, member = 'seq|revision|success|number'
-- KEYS[6] epoch      string: random id of this history, made by the first write after the keys were empty
-- KEYS[7] last       string: the write id '<origin>:<seq>' of the change at the last revision; each
--                    stream entry names the one before it ('p'), so followers notice a forked history
--
-- ARGV[1] origin node id        ARGV[2] stream max length   ARGV[3] the origin's lowest unsettled seq
-- ARGV[4] write id retention (ms)   ARGV[5] epoch candidate   ARGV[6] most write ids kept per origin
-- then 8 arguments per write, from ARGV[7]:
--   op: S set, D delete, C compare-and-set, I increment, B resync (every follower reloads a snapshot)
--   key, value, expected value, '1' if a value is expected, delta, seq, origin nanos
--
-- Answers one reply per write, in order: {'ok', record} for a write done now, {'dup', record} for a
-- write seen before (changed nothing now), {'rej', 'nan' | 'overflow', current value} for an increment
-- that is not possible, {'err', message} for a write Redis refused. Every check that can refuse a write
-- comes before its first change, so a refused write changes nothing; the others of the batch go on.
local origin, max_length, retention = ARGV[1], ARGV[2], ARGV[4]
local FIRST, PER_WRITE = 7, 8

local epoch = nil
local previous = nil
local previous_read = false

local function current_revision()
  return redis.call('GET', KEYS[1]) or '0'
end

local function remember(seq, revision, success, number)
  local record = seq .. '|' .. revision .. '|' .. success .. '|' .. number
  redis.call('ZADD', KEYS[5], seq, record)
  return {'ok', record}
end

local function write(base)
  local op, key, seq = ARGV[base], ARGV[base + 1], ARGV[base + 6]

  -- exactly once: a write seen before is answered with its first outcome
  local seen = redis.call('ZRANGEBYSCORE', KEYS[5], seq, seq, 'LIMIT', 0, 1)
  if seen[1] then
    return {'dup', seen[1]}
  end

  local value = ARGV[base + 2]
  local number = '0'
  if op == 'D' then
    if redis.call('HEXISTS', KEYS[2], key) == 0 then
      return remember(seq, current_revision(), '0', '0')
    end
    value = false
  elseif op == 'C' then
    -- byte equality: the node sends the exact bytes its replica holds when they equal the expected value
    local current = redis.call('HGET', KEYS[2], key)
    local matches
    if ARGV[base + 4] == '1' then
      matches = (current == ARGV[base + 3])
    else
      matches = (current == false)
    end
    if not matches then
      return remember(seq, current_revision(), '0', '0')
    end
  elseif op == 'I' then
    -- HINCRBY does exact 64-bit arithmetic (Lua numbers are doubles) and refuses before it changes anything
    local result = redis.pcall('HINCRBY', KEYS[2], key, ARGV[base + 5])
    if type(result) == 'table' and result.err then
      if string.find(result.err, 'WRONGTYPE', 1, true) then
        return {'err', result.err}
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
    return {'err', 'ERR globalval: unknown write op ' .. op}
  end

  if not epoch then
    epoch = redis.call('GET', KEYS[6])
    if not epoch then
      epoch = ARGV[5]
      redis.call('SET', KEYS[6], epoch)
    end
  end
  if not previous_read then
    previous = redis.call('GET', KEYS[7])
    previous_read = true
  end
  local revision = string.format('%d', redis.call('INCR', KEYS[1]))
  local fields = {'e', epoch, 'o', origin, 's', seq, 'n', ARGV[base + 7]}
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
  local added = redis.pcall('XADD', KEYS[4], 'MAXLEN', '~', max_length, revision .. '-0', unpack(fields))
  if type(added) == 'table' and added.err then
    -- the counter is behind the stream (its key was deleted by hand): go on after the stream's last entry
    local last = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
    if not last[1] then
      return {'err', added.err}
    end
    revision = string.format('%d', tonumber(string.match(last[1][1], '^(%d+)')) + 1)
    redis.call('SET', KEYS[1], revision)
    redis.call('XADD', KEYS[4], 'MAXLEN', '~', max_length, revision .. '-0', unpack(fields))
  end
  previous = origin .. ':' .. seq
  redis.call('SET', KEYS[7], previous)
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
  return remember(seq, revision, '1', number)
end

local replies = {}
for base = FIRST, #ARGV, PER_WRITE do
  replies[#replies + 1] = write(base)
end

-- the origin has settled every write below ARGV[3]: none of them can arrive again
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', '(' .. ARGV[3])
local excess = redis.call('ZCARD', KEYS[5]) - tonumber(ARGV[6])
if excess > 0 then
  redis.call('ZREMRANGEBYRANK', KEYS[5], 0, excess - 1)
end
-- the ids of an origin that stopped writing go away by themselves; and always a write, even for a batch
-- of repeats: the WAIT that follows (replicas-to-ack) covers this connection's writes up to its last one
-- that was replicated; without one here, a retry on a connection that wrote nothing since a failover
-- would be acknowledged by a WAIT that covers nothing
redis.call('PEXPIRE', KEYS[5], retention)
return replies
