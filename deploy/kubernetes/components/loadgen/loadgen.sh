#!/bin/sh
# Demo traffic for examples/agent-service (mock LLM by default): per second an agent question
# (LangChain agent with a tool), a streamed chat and a served OpenAI-compatible completion;
# every 20th round also a streamed chat whose upstream answers 429. Runs until stopped.
TARGET="${TARGET:-http://agent-service:3000}"
JSON='content-type: application/json'
i=0
while true; do
  i=$((i + 1))
  curl -s -o /dev/null -X POST "$TARGET/agent" -H "$JSON" \
    -d '{"question":"What is the weather in Lisbon?"}'
  curl -s -o /dev/null -N -X POST "$TARGET/chat/stream" -H "$JSON" \
    -d '{"message":"Write a haiku about GPUs"}'
  curl -s -o /dev/null -X POST "$TARGET/v1/chat/completions" -H "$JSON" \
    -d '{"model":"gpt-4o-mini","stream":true,"messages":[{"role":"user","content":"Hello"}]}'
  if [ $((i % 20)) -eq 0 ]; then
    curl -s -o /dev/null -N -X POST "$TARGET/chat/stream" -H "$JSON" -H 'x-mock-error-status: 429' \
      -d '{"message":"this one fails upstream"}'
  fi
  sleep 1
done
