/**
 * Lua scripts of the Redis store. Each touches exactly one key (KEYS[1]), so it runs on one
 * Cluster slot, and applies a coalesced batch of hits in order inside one atomic call: the
 * per-hit replies let every caller see its own position, so decisions stay exact. Their maths
 * mirror `countWindow`, `gcra` and `countSliding` in core/limits; the tests run both against the
 * same cases.
 */

/**
 * Fixed window. ARGV: limit, ttl (ms), countAll ('1' = count rejected hits too), hits...
 * Reply: per hit, the counter value after it. The counter is written once, with its TTL, only
 * when it changed. The TTL is relative so that the service's clock and Redis's need not agree.
 */
export const WINDOW_HIT_LUA = `
local limit = tonumber(ARGV[1])
local countAll = ARGV[3] == '1'
local start = tonumber(redis.call('GET', KEYS[1]) or '0')
local current = start
local out = {}
for i = 4, #ARGV do
  local after = current + tonumber(ARGV[i])
  out[#out + 1] = after
  if countAll or after <= limit then current = after end
end
if current ~= start then
  redis.call('SET', KEYS[1], current, 'PX', ARGV[2])
end
return out
`;

/**
 * Token bucket (GCRA) with exact sub-millisecond TAT, see ratelimit/limits/gcra.ts.
 * Stored value: 'ms:frac:limit'. ARGV: limit, unit (ms), now (ms), hits...
 * Reply: per hit five integers: allowed (1/0), candidate TAT ms and frac, stored TAT ms and frac.
 */
export const GCRA_HIT_LUA = `
local limit = tonumber(ARGV[1])
local unit = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local q = math.floor(unit / limit)
local r = unit % limit
local ms, frac = now, 0
local stored = redis.call('GET', KEYS[1])
if stored then
  local sm, sf, sl = string.match(stored, '^(%d+):(%d+):(%d+)$')
  sm, sf, sl = tonumber(sm), tonumber(sf), tonumber(sl)
  if sm then
    if sl ~= limit then
      if sf > 0 then sm = sm + 1 end
      sf = 0
    end
    if sm > now or (sm == now and sf > 0) then ms, frac = sm, sf end
  end
end
local out = {}
local changed = false
for i = 4, #ARGV do
  local h = tonumber(ARGV[i])
  local f = frac + h * r
  local cm = ms + h * q + math.floor(f / limit)
  local cf = f % limit
  local ahead = cm - now
  local ok = ahead < unit or (ahead == unit and cf == 0)
  if ok and h > 0 then ms, frac, changed = cm, cf, true end
  out[#out + 1] = ok and 1 or 0
  out[#out + 1] = cm
  out[#out + 1] = cf
  out[#out + 1] = ms
  out[#out + 1] = frac
end
if changed then
  redis.call('SET', KEYS[1], string.format('%d:%d:%d', ms, frac, limit), 'PX', ms - now + 1)
end
return out
`;

/**
 * Sliding-window counter, see core/limits/sliding-window.ts (WEIGHT_STEPS = 65536 here too).
 * Stored value: 'windowStart:current:previous'. ARGV: limit, window start, previous window start,
 * weight, ttl (ms), countAll ('1' = count rejected hits too), hits...
 * Reply: the previous window's count, then per hit the estimate after it. One GET, and one SET
 * (with its TTL, until the next window ends) only when the current count changed. A state of a
 * later window (written by a replica whose clock is ahead) keeps its window and TTL; only its
 * previous count, ours, is updated (`slidingCounts` / `slidingStored`).
 */
export const SLIDING_HIT_LUA = `
local limit = tonumber(ARGV[1])
local start = tonumber(ARGV[2])
local countAll = ARGV[6] == '1'
local previous, current, ahead = 0, 0, false
local ss, sc
local stored = redis.call('GET', KEYS[1])
if stored then
  local sp
  ss, sc, sp = string.match(stored, '^(%d+):(%d+):(%d+)$')
  ss, sc, sp = tonumber(ss), tonumber(sc), tonumber(sp)
  if ss == start then previous, current = sp, sc
  elseif ss == tonumber(ARGV[3]) then previous = sc
  elseif ss and ss > start then current, ahead = sp, true end
end
local base = math.ceil(previous * tonumber(ARGV[4]) / 65536)
local before = current
local out = { previous }
for i = 7, #ARGV do
  local h = tonumber(ARGV[i])
  local after = base + current + h
  out[#out + 1] = after
  if countAll or after <= limit then current = current + h end
end
if current ~= before then
  if ahead then
    redis.call('SET', KEYS[1], string.format('%d:%d:%d', ss, sc, current), 'KEEPTTL')
  else
    redis.call('SET', KEYS[1], string.format('%d:%d:%d', start, current, previous), 'PX', ARGV[5])
  end
end
return out
`;

/** Names under which the scripts are defined on the ioredis client (and its pipelines). */
export const WINDOW_HIT = 'switchyardWindowHit';
export const GCRA_HIT = 'switchyardGcraHit';
export const SLIDING_HIT = 'switchyardSlidingHit';
