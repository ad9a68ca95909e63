"""Lua scripts for :class:`bot.store.locks.AtomicRedisLockStore`.

Redis runs a script as one step: no other client's command lands between its GET and
its SET, which is what makes ticket numbers unique across replicas. The value is Rasa's
own ``TicketLock.dumps()`` format, a JSON object whose ``tickets`` are JSON strings of
``{"number", "expires"}``; a ticket has expired when ``now > expires``, as in Rasa. The
key itself expires a minute after its newest ticket, so a crashed replica leaves nothing
behind for long.
"""

from __future__ import annotations

# KEYS[1]: the lock's key. Loads the live tickets (expired ones dropped) and stores them.
_COMMON = """
local function live_tickets(now)
  local raw = redis.call('GET', KEYS[1])
  local kept, numbers, conversation = {}, {}, nil
  if raw then
    local lock = cjson.decode(raw)
    conversation = lock.conversation_id
    for _, encoded in ipairs(lock.tickets or {}) do
      local ticket = cjson.decode(encoded)
      if ticket.expires >= now then
        table.insert(kept, encoded)
        table.insert(numbers, ticket.number)
      end
    end
  end
  return kept, numbers, conversation
end

local function store(conversation, kept, ttl_ms)
  if #kept == 0 then
    redis.call('DEL', KEYS[1])
    return
  end
  local parts = {}
  for i, encoded in ipairs(kept) do parts[i] = cjson.encode(encoded) end
  local value = '{"conversation_id": ' .. cjson.encode(conversation or '') ..
    ', "tickets": [' .. table.concat(parts, ', ') .. ']}'
  if ttl_ms then
    redis.call('SET', KEYS[1], value, 'PX', ttl_ms)
  else
    local left = redis.call('PTTL', KEYS[1])
    if left and left > 0 then
      redis.call('SET', KEYS[1], value, 'PX', left)
    else
      redis.call('SET', KEYS[1], value)
    end
  end
end
"""

# ARGV: now, lifetime (s), conversation id. Returns the new ticket's number.
ISSUE = (
    _COMMON
    + """
local now, lifetime = tonumber(ARGV[1]), tonumber(ARGV[2])
local kept, numbers, conversation = live_tickets(now)
local number = 0
if #numbers > 0 then number = numbers[#numbers] + 1 end
local ticket = string.format('{"number": %d, "expires": %.6f}', number, now + lifetime)
table.insert(kept, ticket)
store(conversation or ARGV[3], kept, math.ceil((lifetime + 60) * 1000))
return number
"""
)

# ARGV: ticket number, now. Returns the ticket and deletes the lock when nobody waits.
RELEASE = (
    _COMMON
    + """
local number, now = tonumber(ARGV[1]), tonumber(ARGV[2])
local kept, numbers, conversation = live_tickets(now)
local left = {}
for i, encoded in ipairs(kept) do
  if numbers[i] ~= number then table.insert(left, encoded) end
end
store(conversation, left, nil)
return #left
"""
)

# ARGV: now. Drops expired tickets; a lock left empty is deleted, so a waiter whose own
# ticket expired stops waiting (Rasa raises LockError) instead of polling forever.
TIDY = (
    _COMMON
    + """
local kept, numbers, conversation = live_tickets(tonumber(ARGV[1]))
store(conversation, kept, nil)
return #kept
"""
)

# ARGV: ticket number, now, lease (s). Extends a live ticket to now + lease; returns 1,
# or 0 when the ticket is gone (it expired: its holder must not count on it any more).
RENEW = (
    _COMMON
    + """
local number, now, lease = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local kept, numbers, conversation = live_tickets(now)
local found = 0
for i, _ in ipairs(kept) do
  if numbers[i] == number then
    kept[i] = string.format('{"number": %d, "expires": %.6f}', number, now + lease)
    found = 1
  end
end
if found == 1 then store(conversation, kept, math.ceil((lease + 60) * 1000)) end
return found
"""
)
