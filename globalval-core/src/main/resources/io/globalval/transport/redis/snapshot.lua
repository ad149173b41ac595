-- globalval: read one application's whole state at one revision (Redis runs a script alone,
-- so no change falls between the revision and the hashes).
--
-- KEYS[1] revision   KEYS[2] values   KEYS[3] revisions   KEYS[4] epoch   KEYS[5] last
--
-- Answers {revision, epoch or nil, HGETALL values, HGETALL revisions, write id at the revision or nil}.
return {redis.call('GET', KEYS[1]) or '0', redis.call('GET', KEYS[4]), redis.call('HGETALL', KEYS[2]),
  redis.call('HGETALL', KEYS[3]), redis.call('GET', KEYS[5])}
