#!/usr/bin/env bash
# allowlist.sh — the IP allow-list, from a network namespace this test makes:
# a client at an allowed address gets 200, one at another address gets 403
# (in the JSON error shape for /api/), loopback is always allowed.
# Only addresses inside the namespace and its veth pair are used.
set -u
. "$ND_ROOT/tests/lib/stack.sh"

ns=ndt$$
host_if=ndh$$
ns_if=ndn$$
net=10.213.$((RANDOM % 200 + 20))
var=$ND_OUT/allowlist-var

cleanup() {
	stack_stop
	ip link del "$host_if" 2>/dev/null
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT

skip_all() {
	for n in "allowed address gets 200" "other address gets 403 JSON" "loopback is always allowed"; do
		echo "allow-list: $n... skip: $1"
	done
	exit 0
}

if [ "$(id -u)" != 0 ] || ! command -v ip >/dev/null; then
	skip_all "needs root and iproute2 to make a network namespace"
fi
if ! ip netns add "$ns" 2>/dev/null; then
	skip_all "network namespaces cannot be created here"
fi
if ! ip link add "$host_if" type veth peer name "$ns_if" 2>/dev/null ||
   ! ip link set "$ns_if" netns "$ns"; then
	skip_all "veth pairs cannot be created here"
fi
ip addr add "$net.1/24" dev "$host_if"
ip link set "$host_if" up
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip addr add "$net.2/24" dev "$ns_if"
ip netns exec "$ns" ip addr add "$net.3/24" dev "$ns_if"
ip netns exec "$ns" ip link set "$ns_if" up

mkdir -p "$var"
printf '# test allow-list\nallow %s.2;\n' "$net" > "$var/allow.conf"
port=$(free_port)
if ! stack_start "$var" "$port" --listen "127.0.0.1:$port $net.1:$port"; then
	echo "allow-list: stack starts... fail: see $var.log"
	exit 1
fi

# Wait until the veth link answers (DAD on the addresses can take a moment).
for _ in $(seq 1 50); do
	ip netns exec "$ns" curl -ks --max-time 2 --interface "$net.2" -o /dev/null "https://$net.1:$port/api/health" && break
	sleep 0.2
done

code=$(ip netns exec "$ns" curl -ks --max-time 5 --interface "$net.2" -o /dev/null -w '%{http_code}' "https://$net.1:$port/api/health")
if [ "$code" = 200 ]; then echo "allow-list: allowed address gets 200... ok"
else echo "allow-list: allowed address gets 200... fail: got $code"; fi

body=$(ip netns exec "$ns" curl -ks --max-time 5 --interface "$net.3" -w ' %{http_code}' "https://$net.1:$port/api/health")
page=$(ip netns exec "$ns" curl -ks --max-time 5 --interface "$net.3" -o /dev/null -w '%{http_code}' "https://$net.1:$port/")
if [[ $body == *'"error"'*'"code"'*' 403' ]] && [ "$page" = 403 ]; then
	echo "allow-list: other address gets 403 JSON... ok"
else
	echo "allow-list: other address gets 403 JSON... fail: api '$body', page $page"
fi

code=$(curl -ks --max-time 5 -o /dev/null -w '%{http_code}' "https://127.0.0.1:$port/api/health")
if [ "$code" = 200 ]; then echo "allow-list: loopback is always allowed... ok"
else echo "allow-list: loopback is always allowed... fail: got $code"; fi
