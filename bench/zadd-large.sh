#!/bin/bash
# ZADD into a large sorted set at pipeline 1, side by side: redis-server and one or more nodis
# builds (dist directories), each first grown as the full side-by-side run grows `myzset` (2M
# ZADDs at pipeline 16, ~865k members), then alternating rounds of 100k ZADDs at pipeline 1.
# Prints rps and the server's CPU per request (user + system from /proc). Not a test.
#   bash bench/zadd-large.sh [rounds=3] [dist...]        (default dist: ./dist)
set -u
ROUNDS=${1:-3}
shift || true
DISTS=("$@")
[ ${#DISTS[@]} -eq 0 ] && DISTS=(dist)
TICK=$(getconf CLK_TCK)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
wait_ping() {
  for _ in $(seq 120); do redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0; sleep 0.25; done
  echo "server on port $1 did not answer" >&2; exit 1
}
NAMES=(redis); PORTS=(); SPIDS=()
p=$(free_port); redis-server --port "$p" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
PIDS+=($!); SPIDS+=($!); PORTS+=("$p")
for d in "${DISTS[@]}"; do
  p=$(free_port); node --max-semi-space-size=4 "$d/src/main.js" --port "$p" --bind 127.0.0.1 --save '' --appendonly no >/dev/null 2>&1 &
  PIDS+=($!); SPIDS+=($!); PORTS+=("$p"); NAMES+=("nodis:$d")
done
for p in "${PORTS[@]}"; do wait_ping "$p"; done
for i in "${!PORTS[@]}"; do
  redis-benchmark -p "${PORTS[$i]}" -t zadd -n 2000000 -c 50 -r 1000000 -P 16 -q >/dev/null
  echo "${NAMES[$i]}: myzset has $(redis-cli -p "${PORTS[$i]}" zcard myzset) members"
done
for r in $(seq "$ROUNDS"); do
  for i in "${!PORTS[@]}"; do
    read -r u1 s1 < <(awk '{print $14, $15}' "/proc/${SPIDS[$i]}/stat")
    rps=$(redis-benchmark -p "${PORTS[$i]}" -t zadd -n 100000 -c 50 -r 1000000 -P 1 --csv | tail -1 | cut -d, -f2 | tr -d '"')
    read -r u2 s2 < <(awk '{print $14, $15}' "/proc/${SPIDS[$i]}/stat")
    us=$(( ((u2 - u1) + (s2 - s1)) * 1000000 / TICK * 10 / 100000 ))
    echo "round $r ${NAMES[$i]}: $rps rps, $((us / 10)).$((us % 10)) us CPU per request"
  done
done
