-- wrk script: simple uploads of distinct 4 KiB files (distinct content, so
-- nothing is deduplicated) into the root folder of the signed-in user.
-- Token from the environment: NIMBUS_TOKEN.
local counter = 0
local body_base = string.rep("x", 4096 - 32)
-- setup() runs in the main Lua state; thread:set() makes `thread_no` a
-- global of each thread's state (it must not be a local of this chunk).
local threads = 0

function setup(thread)
  thread:set("thread_no", threads)
  threads = threads + 1
end

function init(args)
  token = os.getenv("NIMBUS_TOKEN")
  prefix = string.format("%d-%d", os.time(), thread_no)
end

function request()
  counter = counter + 1
  local name = string.format("w-%s-%d.bin", prefix, counter)
  local body = string.format("%-32s", name):sub(1, 32) .. body_base
  return wrk.format("POST", "/api/v1/files?parent=root&name=" .. name,
                    {["Authorization"] = "Bearer " .. token}, body)
end

function response(status, headers, body)
  if status ~= 201 then
    errors = (errors or 0) + 1
  end
end
