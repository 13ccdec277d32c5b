-- A non-streaming chat completion (see common.lua for the environment it reads).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local bench_request = dofile(dir .. "common.lua")
bench_request('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in twenty words."}],"max_tokens":64}')
