#!/bin/sh
# Redis memory for the fleet's throttle keys of 10,000 queues (docs/fleet.md "Sizing").
# Starts a throwaway redis-server on a loopback port, creates for each queue the keys a busy
# queue has (the GCRA TAT key, this hour's and today's counters, a lease set with 6 leases),
# then prints DBSIZE and INFO memory's used_memory before and after.
set -eu
QUEUES=${QUEUES:-10000}
PORT=${PORT:-6391}
DIR=$(mktemp -d)
redis-server --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DIR" --daemonize yes --logfile "$DIR/log" >/dev/null
trap 'redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.1; done
before=$(redis-cli -p "$PORT" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
redis-cli -p "$PORT" eval "
  local now = 1765000000000000
  for i = 1, tonumber(ARGV[1]) do
    local q = 'sluice:throttle:domain' .. i .. '.example/vmta' .. (i % 8)
    redis.call('SET', q .. ':tat', string.format('%.0f', now + 33333), 'PX', 2000)
    redis.call('SET', q .. ':hour:490277', 1200, 'PX', 3660000)
    redis.call('SET', q .. ':day:20428', 25000, 'PX', 86460000)
    for l = 1, 6 do redis.call('ZADD', q .. ':leases', 1765000003000, 'node' .. (l % 3) .. '#' .. (i * 6 + l)) end
    redis.call('PEXPIRE', q .. ':leases', 6000)
  end
  return 1" 0 "$QUEUES" >/dev/null
after=$(redis-cli -p "$PORT" info memory | sed -n 's/^used_memory:\([0-9]*\).*/\1/p')
echo "queues: $QUEUES"
echo "keys (DBSIZE): $(redis-cli -p "$PORT" dbsize)"
echo "used_memory before: $before bytes, after: $after bytes, for the queues: $((after - before)) bytes"
echo "per queue: $(( (after - before) / QUEUES )) bytes"
