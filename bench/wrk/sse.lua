-- A streaming chat completion, as the OpenAI SDK sends it (no stream_options:
-- Lectr asks for usage itself). See common.lua for the environment it reads.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local bench_request = dofile(dir .. "common.lua")
bench_request('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in twenty words."}],"max_tokens":64,"stream":true}')
