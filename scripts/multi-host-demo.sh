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
# With SENTINEL=1 the Redis is Sentinel-managed: gvdemo-redis runs a primary (port 6379),
# two replicas (6380, 6381) and three redis-sentinel processes (26379-26381); the samples connect
# through Spring Boot's own spring.data.redis.sentinel.* with
# globalval.redis.replicas-to-ack=1. After the checks above, the script SIGKILLs the
# primary, waits (bounded) until the sentinels promote a replica, writes on one host
# and reads on the others, and checks that the values acknowledged before the failover
# are still there on every host.
#
# Usage: sudo scripts/multi-host-demo.sh      (build first: ./mvnw -B package -DskipTests)
#        sudo SENTINEL=1 scripts/multi-host-demo.sh
# Environment: JAR (default sample-app/target/sample-app.jar), STARTUP_SECONDS (240),
# FAILOVER_SECONDS (60), KEEP_LOGS=1 keeps the processes' logs (their path is printed).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
JAR=${JAR:-$ROOT/sample-app/target/sample-app.jar}
STARTUP_SECONDS=${STARTUP_SECONDS:-240}
FAILOVER_SECONDS=${FAILOVER_SECONDS:-60}
SENTINEL=${SENTINEL:-0}
IP=$(command -v ip || echo /usr/sbin/ip)

PREFIX=gvdemo
BRIDGE=${PREFIX}-br
SUBNET=10.213.57
REDIS_NS=${PREFIX}-redis
REDIS_ADDR=${SUBNET}.10
REDIS_PORT=6379
REPLICA_PORTS=(6380 6381)
SENTINEL_PORTS=(26379 26380 26381)
MASTER_NAME=mymaster
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
TOOLS=("$IP" redis-server redis-cli java curl)
[ "$SENTINEL" = 1 ] && TOOLS+=(redis-sentinel)
for tool in "${TOOLS[@]}"; do
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
PRIMARY_PID=${STARTED_PIDS[-1]}

# redis_cli NS PORT ARGS...: redis-cli from a host namespace to the Redis namespace's address
redis_cli() {
	local ns=$1 port=$2
	shift 2
	"$IP" netns exec "$ns" redis-cli -h "$REDIS_ADDR" -p "$port" "$@"
}

if [ "$SENTINEL" = 1 ]; then
	for port in "${REPLICA_PORTS[@]}"; do
		log "starting a replica of it on $REDIS_ADDR:$port"
		mkdir -p "$WORK/replica-$port"
		"$IP" netns exec "$REDIS_NS" redis-server --bind "$REDIS_ADDR" --port "$port" --protected-mode no \
			--appendonly yes --save '' --dir "$WORK/replica-$port" --logfile "$WORK/replica-$port/redis.log" \
			--daemonize no --replicaof "$REDIS_ADDR" "$REDIS_PORT" >"$WORK/replica-$port/stdout.log" 2>&1 &
		STARTED_PIDS+=($!)
	done
	for port in "${SENTINEL_PORTS[@]}"; do
		mkdir -p "$WORK/sentinel-$port"
		# a sentinel rewrites its configuration file: one writable file each
		cat >"$WORK/sentinel-$port/sentinel.conf" <<CONF
port $port
bind $REDIS_ADDR
protected-mode no
daemonize no
dir $WORK/sentinel-$port
logfile $WORK/sentinel-$port/sentinel.log
sentinel monitor $MASTER_NAME $REDIS_ADDR $REDIS_PORT 2
sentinel down-after-milliseconds $MASTER_NAME 1000
sentinel failover-timeout $MASTER_NAME 5000
CONF
		"$IP" netns exec "$REDIS_NS" redis-sentinel "$WORK/sentinel-$port/sentinel.conf" \
			>"$WORK/sentinel-$port/stdout.log" 2>&1 &
		STARTED_PIDS+=($!)
	done
	log "waiting (at most ${FAILOVER_SECONDS}s) until the replicas are in sync and every sentinel knows them"
	deadline=$((SECONDS + FAILOVER_SECONDS))
	ready() {
		local port sentinel
		for port in "${REPLICA_PORTS[@]}"; do
			redis_cli "${HOSTS[0]}" "$port" info replication 2>/dev/null | grep -q 'master_link_status:up' || return 1
			for sentinel in "${SENTINEL_PORTS[@]}"; do
				redis_cli "${HOSTS[0]}" "$sentinel" sentinel replicas "$MASTER_NAME" 2>/dev/null | grep -qx "$port" \
					|| return 1
			done
		done
	}
	until ready; do
		[ "$SECONDS" -lt "$deadline" ] || fail "the replicas or the sentinels did not come up; see $WORK"
		sleep 0.5
	done
	log "sentinels on ${SENTINEL_PORTS[*]} watch $MASTER_NAME at $REDIS_ADDR:$REDIS_PORT and its replicas"
	SENTINEL_NODES=$(printf "$REDIS_ADDR:%s," "${SENTINEL_PORTS[@]}")
	REDIS_ARGS=(--spring.data.redis.sentinel.master="$MASTER_NAME" --spring.data.redis.sentinel.nodes="${SENTINEL_NODES%,}"
		--globalval.redis.replicas-to-ack=1)
else
	REDIS_ARGS=(--spring.data.redis.host="$REDIS_ADDR" --spring.data.redis.port="$REDIS_PORT")
fi

for ns in "${HOSTS[@]}"; do
	mkdir -p "$WORK/$ns/tmp"
	log "starting the sample in $ns on ${ADDR[$ns]}:$HTTP_PORT, TMPDIR=$WORK/$ns/tmp"
	"$IP" netns exec "$ns" env TMPDIR="$WORK/$ns/tmp" java -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
		-Djava.io.tmpdir="$WORK/$ns/tmp" -jar "$JAR" \
		--globalval.transport=redis "${REDIS_ARGS[@]}" --globalval.cluster.workers=0 --server.port="$HTTP_PORT" \
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
log "redis keys: $(redis_cli "${HOSTS[0]}" "$REDIS_PORT" --scan --pattern '{globalval:sample}:*' | sort | tr '\n' ' ')"
log "OK: a value set on one host was read on the two others; increments from three hosts were exact"

if [ "$SENTINEL" = 1 ]; then
	log "SIGKILL of the primary (pid $PRIMARY_PID) on $REDIS_ADDR:$REDIS_PORT"
	killed_at=$SECONDS
	kill -KILL "$PRIMARY_PID"
	wait "$PRIMARY_PID" 2>/dev/null || true
	deadline=$((SECONDS + FAILOVER_SECONDS))
	promoted=$REDIS_PORT
	until [ "$promoted" != "$REDIS_PORT" ]; do
		[ "$SECONDS" -lt "$deadline" ] || fail "the sentinels did not promote a replica within ${FAILOVER_SECONDS}s"
		sleep 0.2
		promoted=$(redis_cli "${HOSTS[0]}" "${SENTINEL_PORTS[0]}" sentinel get-master-addr-by-name "$MASTER_NAME" \
			2>/dev/null | tail -1)
	done
	log "the sentinels promoted $REDIS_ADDR:$promoted after about $((SECONDS - killed_at))s"
	log "PUT after-failover on ${HOSTS[1]}: acknowledged once the other replica, now following $promoted, has it"
	answer=""
	until answer=$(http "${HOSTS[1]}" PUT /values/after-failover -H 'Content-Type: application/json' \
		-d '"written after the failover"') && case "$answer" in *changeRevision*) true ;; *) false ;; esac; do
		# refused until the other replica follows the new primary (replicas-to-ack=1): the answer says why
		[ "$SECONDS" -lt "$deadline" ] || fail "no write was acknowledged after the failover: $answer"
		sleep 1
	done
	echo "  $answer"
	revision=$(printf '%s' "$answer" | sed -n 's/.*"changeRevision":\([0-9][0-9]*\).*/\1/p')
	for ns in "${HOSTS[@]}"; do
		read_answer=$(http "$ns" GET "/values?revision=$revision")
		case "$read_answer" in
			*'"after-failover":"written after the failover"'*'"greeting":"hello from host 1"'* | \
			*'"greeting":"hello from host 1"'*'"after-failover":"written after the failover"'*) ;;
			*) fail "$ns lacks a value after the failover: $read_answer" ;;
		esac
		case "$read_answer" in
			*'"visits":3'*) ;;
			*) fail "$ns lost the visits acknowledged before the failover: $read_answer" ;;
		esac
		log "$ns after the failover: greeting, visits=3 and after-failover all there"
	done
	log "OK: the Sentinel failover kept every acknowledged value, and writes went on on the new primary"
fi
