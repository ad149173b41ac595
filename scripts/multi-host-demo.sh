#!/usr/bin/env bash
# Several hosts, simulated: the sample on the Redis transport, each process on a "host"
# of its own.
#
# As root, this script makes a private Linux bridge and four network namespaces on it,
# each with a veth pair and a private address that exists only inside that namespace:
#
#   gvdemo-redis  10.213.57.10  redis-server, bound to that address
#   gvdemo-h1     10.213.57.11  java -jar sample-app.jar --globalval.transport=redis ...
#   gvdemo-h2     10.213.57.12  the same
#   gvdemo-h3     10.213.57.13  the same
#
# Each sample process has its own TMPDIR (so no socket directory, lock file or temp dir
# is shared): Redis is all they have in common. The script waits (bounded) until all
# three answer over HTTP, sets a value on one, reads it on the other two (waiting for
# its revision with ?revision=), increments a counter on all three, prints what it did,
# and removes every process, namespace, veth and the bridge it made when it exits,
# on failure too. All traffic stays on the bridge, between the namespaces it made.
#
# Usage: sudo scripts/multi-host-demo.sh      (build first: ./mvnw -B package -DskipTests)
# Environment: JAR (default sample-app/target/sample-app.jar), STARTUP_SECONDS (240),
# KEEP_LOGS=1 keeps the processes' logs (their path is printed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/sample-app/target/sample-app.jar}
STARTUP_SECONDS=${STARTUP_SECONDS:-240}
IP=$(command -v ip || echo /usr/sbin/ip)

PREFIX=gvdemo
BRIDGE=${PREFIX}-br
SUBNET=10.213.57
REDIS_NS=${PREFIX}-redis
REDIS_ADDR=${SUBNET}.10
REDIS_PORT=6379
HOSTS=(${PREFIX}-h1 ${PREFIX}-h2 ${PREFIX}-h3)
declare -A ADDR=([${PREFIX}-h1]=${SUBNET}.11 [${PREFIX}-h2]=${SUBNET}.12 [${PREFIX}-h3]=${SUBNET}.13)
HTTP_PORT=8080

# what this run made, so that cleanup removes exactly that
MADE_NAMESPACES=()
MADE_LINKS=()
STARTED_PIDS=()
WORK=""

log() {
	printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*"
}

fail() {
	log "FAILED: $*"
	exit 1
}

cleanup() {
	local status=$?
	trap - EXIT INT TERM
	set +e
	log "cleaning up"
	for pid in "${STARTED_PIDS[@]}"; do
		kill -TERM "$pid" 2>/dev/null
	done
	# bounded: 30 s for a graceful stop, then SIGKILL
	for _ in $(seq 1 60); do
		local alive=0
		for pid in "${STARTED_PIDS[@]}"; do
			kill -0 "$pid" 2>/dev/null && alive=1
		done
		[ "$alive" = 0 ] && break
		sleep 0.5
	done
	for pid in "${STARTED_PIDS[@]}"; do
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	for ns in "${MADE_NAMESPACES[@]}"; do
		# anything still inside a namespace this script made is this script's
		for pid in $("$IP" netns pids "$ns" 2>/dev/null); do
			kill -KILL "$pid" 2>/dev/null
		done
		"$IP" netns delete "$ns" 2>/dev/null && log "  removed namespace $ns"
	done
	for link in "${MADE_LINKS[@]}"; do
		# a veth goes with its peer's namespace; delete whatever is left
		"$IP" link show "$link" >/dev/null 2>&1 && "$IP" link delete "$link" && log "  removed link $link"
	done
	if [ -n "$WORK" ]; then
		if [ "${KEEP_LOGS:-0}" = 1 ] || [ "$status" != 0 ]; then
			log "  logs kept in $WORK"
		else
			rm -rf "$WORK"
		fi
	fi
	local left
	left=$("$IP" netns list | grep -c "^${PREFIX}-" || true)
	log "left behind: $left namespaces, $("$IP" link show | grep -c "${PREFIX}" || true) links"
	exit "$status"
}

[ "$(id -u)" = 0 ] || fail "run as root (network namespaces and a bridge are made)"
for tool in "$IP" redis-server redis-cli java curl; do
	command -v "$tool" >/dev/null 2>&1 || fail "$tool is missing"
done
[ -f "$JAR" ] || fail "$JAR is missing; build it with ./mvnw -B package -DskipTests"
if "$IP" netns list | grep -q "^${PREFIX}-" || "$IP" link show "$BRIDGE" >/dev/null 2>&1; then
	fail "namespaces or links named ${PREFIX}-* exist already (an earlier run?); remove them first"
fi

trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

WORK=$(mktemp -d -t gvdemo.XXXXXX)

log "making bridge $BRIDGE (no address of its own)"
"$IP" link add "$BRIDGE" type bridge
MADE_LINKS+=("$BRIDGE")
"$IP" link set "$BRIDGE" up

make_host() {
	local ns=$1 addr=$2 index=$3
	local outside=${PREFIX}${index}o inside=${PREFIX}${index}i
	"$IP" netns add "$ns"
	MADE_NAMESPACES+=("$ns")
	"$IP" link add "$outside" type veth peer name "$inside"
	MADE_LINKS+=("$outside")
	"$IP" link set "$outside" master "$BRIDGE"
	"$IP" link set "$outside" up
	"$IP" link set "$inside" netns "$ns"
	"$IP" -n "$ns" link set lo up
	"$IP" -n "$ns" addr add "$addr/24" dev "$inside"
	"$IP" -n "$ns" link set "$inside" up
	log "namespace $ns: $inside $addr/24, veth $outside on $BRIDGE"
}

make_host "$REDIS_NS" "$REDIS_ADDR" 0
index=1
for ns in "${HOSTS[@]}"; do
	make_host "$ns" "${ADDR[$ns]}" "$index"
	index=$((index + 1))
done

log "starting redis-server in $REDIS_NS on $REDIS_ADDR:$REDIS_PORT"
mkdir -p "$WORK/redis"
"$IP" netns exec "$REDIS_NS" redis-server --bind "$REDIS_ADDR" --port "$REDIS_PORT" --protected-mode no \
	--appendonly yes --save '' --dir "$WORK/redis" --logfile "$WORK/redis/redis.log" --daemonize no \
	>"$WORK/redis/stdout.log" 2>&1 &
STARTED_PIDS+=($!)
redis_up=0
for _ in $(seq 1 50); do
	# from a host namespace: proves the bridge carries traffic between namespaces
	if [ "$("$IP" netns exec "${HOSTS[0]}" redis-cli -h "$REDIS_ADDR" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
		redis_up=1
		break
	fi
	sleep 0.2
done
[ "$redis_up" = 1 ] || fail "redis-server did not answer on $REDIS_ADDR:$REDIS_PORT; $(tail -5 "$WORK/redis/redis.log" 2>/dev/null)"
log "redis-server answers PING from ${HOSTS[0]}"

for ns in "${HOSTS[@]}"; do
	mkdir -p "$WORK/$ns/tmp"
	log "starting the sample in $ns on ${ADDR[$ns]}:$HTTP_PORT, TMPDIR=$WORK/$ns/tmp"
	"$IP" netns exec "$ns" env TMPDIR="$WORK/$ns/tmp" java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
		-Djava.io.tmpdir="$WORK/$ns/tmp" -jar "$JAR" \
		--globalval.transport=redis --spring.data.redis.host="$REDIS_ADDR" \
		--spring.data.redis.port="$REDIS_PORT" --globalval.cluster.workers=0 --server.port="$HTTP_PORT" \
		--globalval.node-name="$ns" >"$WORK/$ns/app.log" 2>&1 &
	STARTED_PIDS+=($!)
done

# http NS METHOD PATH [curl args...]: a request from inside a host's namespace to its own address
http() {
	local ns=$1 method=$2 path=$3
	shift 3
	"$IP" netns exec "$ns" curl -sS --max-time 10 -X "$method" "$@" "http://${ADDR[$ns]}:$HTTP_PORT$path"
}

log "waiting (at most ${STARTUP_SECONDS}s) until all three answer"
deadline=$((SECONDS + STARTUP_SECONDS))
for ns in "${HOSTS[@]}"; do
	until [ "$("$IP" netns exec "$ns" curl -s -o /dev/null -w '%{http_code}' --max-time 2 \
		"http://${ADDR[$ns]}:$HTTP_PORT/actuator/health/readiness" 2>/dev/null)" = 200 ]; do
		if [ "$SECONDS" -ge "$deadline" ]; then
			tail -20 "$WORK/$ns/app.log" || true
			fail "$ns did not answer within ${STARTUP_SECONDS}s"
		fi
		sleep 1
	done
	log "$ns answers: $(http "$ns" GET /actuator/globalval)"
done

log "PUT greeting on ${HOSTS[0]}"
answer=$(http "${HOSTS[0]}" PUT /values/greeting -H 'Content-Type: application/json' -d '"hello from host 1"')
echo "  $answer"
revision=$(printf '%s' "$answer" | sed -n 's/.*"changeRevision":\([0-9][0-9]*\).*/\1/p')
[ -n "$revision" ] || fail "no changeRevision in the answer of ${HOSTS[0]}"

for ns in "${HOSTS[@]:1}"; do
	log "GET greeting on $ns, once it has applied revision $revision"
	read_answer=$(http "$ns" GET "/values/greeting?revision=$revision")
	echo "  $read_answer"
	case "$read_answer" in
		*'"value":"hello from host 1"'*) ;;
		*) fail "$ns does not have the greeting set on ${HOSTS[0]}" ;;
	esac
done

# every process incremented 'starts' once when it started, before it was ready
for ns in "${HOSTS[@]}"; do
	log "GET starts on $ns (revision $revision): $(http "$ns" GET "/values/starts?revision=$revision")"
done

log "POST visits/increment on each host"
last=0
for ns in "${HOSTS[@]}"; do
	answer=$(http "$ns" POST /values/visits/increment)
	echo "  $ns: $answer"
	rev=$(printf '%s' "$answer" | sed -n 's/.*"changeRevision":\([0-9][0-9]*\).*/\1/p')
	[ -n "$rev" ] || fail "no changeRevision in the answer of $ns"
	if [ "$rev" -gt "$last" ]; then
		last=$rev
	fi
done
for ns in "${HOSTS[@]}"; do
	read_answer=$(http "$ns" GET "/values/visits?revision=$last")
	echo "  GET visits on $ns: $read_answer"
	case "$read_answer" in
		*'"value":3'*) ;;
		*) fail "$ns does not count 3 visits" ;;
	esac
done

# the sample's @EventListener logs each change: the change event fired on every host
for ns in "${HOSTS[@]}"; do
	for _ in $(seq 1 50); do
		grep -q 'greeting is now hello from host 1' "$WORK/$ns/app.log" && break
		sleep 0.1
	done
	line=$(grep 'greeting is now hello from host 1' "$WORK/$ns/app.log" | tail -1) \
		|| fail "$ns logged no event of the greeting"
	log "$ns logged the event: ${line##*: }"
done
log "redis keys: $("$IP" netns exec "${HOSTS[0]}" redis-cli -h "$REDIS_ADDR" -p "$REDIS_PORT" --scan --pattern '{globalval:sample}:*' | sort | tr '\n' ' ')"
log "OK: a value set on one host was read on the two others; increments from three hosts were exact"
