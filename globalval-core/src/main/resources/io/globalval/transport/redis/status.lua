-- globalval: what a follower that read nothing new checks, so that it notices a lost or
-- replaced history (a Redis restart without persistence, a FLUSHALL) or a deleted stream.
--
-- KEYS[1] revision   KEYS[2] changes   KEYS[3] epoch   KEYS[4] last
-- ARGV[1] the follower's revision
--
-- Answers {revision, epoch or nil, 1 if the stream holds an entry after the follower's revision else 0,
-- the write id at the revision or nil}.
local after = redis.call('XRANGE', KEYS[2], '(' .. ARGV[1] .. '-0', '+', 'COUNT', 1)
return {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[3]), #after, redis.call('GET', KEYS[4])}
